"""Routing-cache invalidation: any change to a tenant or domain clears this process's cache, now and again
at commit (so a request that re-filled the cache from the old row during the transaction does not keep it)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Domain, Tenant
from .routing import clear_routing_cache


@receiver([post_save, post_delete], sender=Tenant)
@receiver([post_save, post_delete], sender=Domain)
def _invalidate_routing(sender: type, **kwargs: Any) -> None:
    clear_routing_cache()
    transaction.on_commit(clear_routing_cache)
