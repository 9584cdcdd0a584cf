"""Host/header → tenant resolution with an in-process cache, so routing costs no query on a warm process.

The cache maps a host (or a slug, for the X-Tenant-ID header) to a tenant snapshot for a short TTL; saving
or deleting a tenant or domain clears it in this process at once (signals.py), and other processes see
the change within the TTL.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings

from .models import Domain, Tenant


@dataclass(frozen=True)
class _Entry:
    tenant: Tenant | None
    expires_at: float


_by_host: dict[str, _Entry] = {}
_by_slug: dict[str, _Entry] = {}
_lock = threading.Lock()


def _ttl() -> float:
    return float(settings.TENANT_ROUTING_CACHE_TTL)


def clear_routing_cache() -> None:
    with _lock:
        _by_host.clear()
        _by_slug.clear()


def _cached(table: dict[str, _Entry], key: str) -> _Entry | None:
    entry = table.get(key)
    if entry is not None and entry.expires_at > time.monotonic():
        return entry
    return None


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant (active or not) whose domain is `host`, or None."""
    entry = _cached(_by_host, host)
    if entry is None:
        domain = Domain.objects.select_related("tenant").filter(domain=host).first()
        entry = _Entry(tenant=domain.tenant if domain else None, expires_at=time.monotonic() + _ttl())
        with _lock:
            _by_host[host] = entry
    return entry.tenant


def tenant_for_slug(slug: str) -> Tenant | None:
    """The tenant named by an X-Tenant-ID header: its slug, or its numeric id as the predecessor's clients
    send it (a slug starts with a letter, so the two never collide)."""
    entry = _cached(_by_slug, slug)
    if entry is None:
        found = Tenant.objects.filter(pk=int(slug)) if slug.isdigit() else Tenant.objects.filter(slug=slug)
        tenant = found.first()
        entry = _Entry(tenant=tenant, expires_at=time.monotonic() + _ttl())
        with _lock:
            _by_slug[slug] = entry
    return entry.tenant
