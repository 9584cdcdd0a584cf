"""Routing-cache invalidation: any change to a tenant or domain clears this process's cache, now and again
at commit (so a request that re-filled the cache from the old row during the transaction does not keep it),
and moves the routing generation in the same transaction, which tells every other process (routing.py)."""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django_tenants.utils import get_public_schema_name

from .models import Domain, RoutingGeneration, Tenant
from .routing import clear_routing_cache


def routing_changed() -> None:
    """Call after a change to tenants or domains that bypassed save()/delete() (a queryset update)."""
    table = f'"{get_public_schema_name()}"."{RoutingGeneration._meta.db_table}"'
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS g (id, value) VALUES (1, 1) "  # noqa: S608 - names from code
            "ON CONFLICT (id) DO UPDATE SET value = g.value + 1"
        )
    clear_routing_cache()
    transaction.on_commit(clear_routing_cache)


@receiver([post_save, post_delete], sender=Tenant)
@receiver([post_save, post_delete], sender=Domain)
def _invalidate_routing(sender: type, **kwargs: Any) -> None:
    routing_changed()
