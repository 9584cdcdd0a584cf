from __future__ import annotations

from django.db import models


class MissedRedisWrite(models.Model):
    """A Redis key that a writer had to delete (or renew) and could not reach Redis to: until it is
    replayed, no process trusts a fact cached in Redis (shared_apps.core.redis_fence)."""

    key = models.CharField(max_length=512)
    # 0: delete the key; otherwise give it a fresh random value that lives this long (a generation token).
    renew_seconds = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "core_missed_redis_write"

    def __str__(self) -> str:
        return f"{'renew' if self.renew_seconds else 'delete'} {self.key}"
