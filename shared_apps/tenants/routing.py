"""Host/header → tenant resolution with an in-process cache, so routing costs no query on a warm process.

The cache maps a host (or a slug, for the X-Tenant-ID header) to a tenant snapshot. It is bounded: known
tenants in a least-recently-used table of TENANT_ROUTING_CACHE_SIZE entries per kind, and names that match
no tenant (anyone can send a random `*.localhost` host) in a separate, smaller LRU table
(TENANT_ROUTING_NEGATIVE_CACHE_SIZE), so junk hosts can neither grow a worker nor push real tenants out.

Entries live long (TENANT_ROUTING_CACHE_TTL) because every process learns of changes:
- in this process at once: saving or deleting a tenant or domain clears the cache (signals.py);
- in every other process within TENANT_ROUTING_CHECK_SECONDS: the same change bumps a generation counter in
  PostgreSQL, in the change's own transaction (RoutingGeneration), and a request that finds the last check
  older than that reads it (one indexed row) and clears the cache when it moved. The counter is bumped in
  the transaction, so whoever sees the new value also sees the committed change.
A miss never stores what it read if the cache was cleared meanwhile (the epoch check), so a row read
before a change cannot outlive the clear that the change caused.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django_tenants.utils import get_public_schema_name

from .models import Domain, RoutingGeneration, Tenant
from .selectors import tenant_find_by_slug


@dataclass(frozen=True)
class _Entry:
    tenant: Tenant | None
    expires_at: float


class _Lru:
    """Entries by key, least recently used first; the caller holds the module lock for writes."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, _Entry] = OrderedDict()

    def get(self, key: str, now: float) -> _Entry | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry.expires_at <= now:
            self.entries.pop(key, None)
            return None
        # Evicted by another thread in between: the entry we hold is still good.
        with contextlib.suppress(KeyError):
            self.entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: _Entry, limit: int) -> None:
        self.entries[key] = entry
        self.entries.move_to_end(key)
        while len(self.entries) > max(limit, 1):
            self.entries.popitem(last=False)


_by_host = _Lru()
_by_slug = _Lru()
_unknown = _Lru()  # keys "host:<host>" and "slug:<slug>"
_lock = threading.Lock()
_epoch = 0  # moves at every clear: a miss started before it must not store
_generation: int | None = None  # the last value of RoutingGeneration this process saw
_checked_at = time.monotonic()


def clear_routing_cache() -> None:
    global _epoch
    with _lock:
        _clear_locked()
        _epoch += 1


def _clear_locked() -> None:
    _by_host.entries.clear()
    _by_slug.entries.clear()
    _unknown.entries.clear()


def cache_sizes() -> dict[str, int]:
    return {"host": len(_by_host.entries), "slug": len(_by_slug.entries), "unknown": len(_unknown.entries)}


def read_generation() -> int:
    table = f'"{get_public_schema_name()}"."{RoutingGeneration._meta.db_table}"'
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {table} WHERE id = 1")  # noqa: S608 - names from code
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _check_generation(now: float) -> None:
    """Clear the cache if another process changed a tenant or domain since the last check."""
    global _checked_at, _generation, _epoch
    interval = float(settings.TENANT_ROUTING_CHECK_SECONDS)
    if interval <= 0 or now - _checked_at < interval:
        return
    with _lock:
        if now - _checked_at < interval:
            return  # another thread is checking
        _checked_at = now
    value = read_generation()
    with _lock:
        if value != _generation:
            _clear_locked()
            _epoch += 1
            _generation = value


def _lookup(table: _Lru, key: str, now: float) -> tuple[bool, Tenant | None]:
    entry = table.get(key, now) or _unknown.get(f"{'host' if table is _by_host else 'slug'}:{key}", now)
    return (True, entry.tenant) if entry is not None else (False, None)


def _store(table: _Lru, key: str, tenant: Tenant | None, epoch: int, now: float) -> None:
    with _lock:
        if epoch != _epoch:
            return
        if tenant is None:
            kind = "host" if table is _by_host else "slug"
            entry = _Entry(None, now + float(settings.TENANT_ROUTING_NEGATIVE_TTL))
            _unknown.put(f"{kind}:{key}", entry, int(settings.TENANT_ROUTING_NEGATIVE_CACHE_SIZE))
        else:
            expires_at = now + float(settings.TENANT_ROUTING_CACHE_TTL)
            table.put(key, _Entry(tenant, expires_at), int(settings.TENANT_ROUTING_CACHE_SIZE))


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant (active or not) whose domain is `host`, or None."""
    now = time.monotonic()
    _check_generation(now)
    found, tenant = _lookup(_by_host, host, now)
    if not found:
        epoch = _epoch
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        tenant = domain.tenant if domain else None
        _store(_by_host, host, tenant, epoch, now)
    return tenant


def tenant_for_slug(slug: str) -> Tenant | None:
    """The tenant named by an X-Tenant-ID header: its slug, or its numeric id as the predecessor's clients
    send it (a slug starts with a letter, so the two never collide)."""
    now = time.monotonic()
    _check_generation(now)
    found, tenant = _lookup(_by_slug, slug, now)
    if not found:
        epoch = _epoch
        tenant = (
            Tenant.objects.filter(pk=int(slug)).first() if slug.isdigit() else tenant_find_by_slug(slug=slug)
        )
        _store(_by_slug, slug, tenant, epoch, now)
    return tenant
