"""API keys and their usage (tenant schema: a key exists only at the tenant that issued it).

Only the SHA-256 of the whole key is stored. A plain, fast hash is right here, unlike for passwords: the
secret part is 44 random base-62 characters (≈ 262 bits), so there is nothing to brute-force and no
dictionary to stretch against; a slow hash would only slow every API request down. The prefix
(`mc_<tenant slug>_<8 random>`) is stored in clear, unique and indexed: it finds the row in one lookup,
lets a secret scanner recognise a leaked key and tells its owner which key and which tenant it is.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models


class ApiKey(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    key_prefix = models.CharField(max_length=64, unique=True)
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    # DO_NOTHING: the user row is public, this table is per tenant (see tenant_apps.sessions.models); GDPR
    # erasure deletes a person's keys at every tenant first (gdpr.api_keys_purge_for_user).
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(max_length=32, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_by", "-created_at"], name="apikey_creator_created_idx")]

    def __str__(self) -> str:
        return self.key_prefix

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def is_usable(self, now: datetime) -> bool:
        return self.revoked_at is None and not self.is_expired(now)


class ApiKeyUsage(models.Model):
    """One request made with a key, written after the response has gone (see usage.py)."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="usage")
    created_at = models.DateTimeField()
    endpoint = models.CharField(max_length=128, help_text="The route name, e.g. api:metro-products.")
    method = models.CharField(max_length=8)
    status_code = models.PositiveSmallIntegerField()
    ip = models.GenericIPAddressField(null=True, blank=True)
    latency_ms = models.FloatField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["key", "-created_at"], name="apikey_usage_key_created_idx")]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint} {self.status_code}"
