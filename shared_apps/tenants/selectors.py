from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from shared_apps.core.exceptions import NotFound

from .models import Domain, Tenant


@dataclass(frozen=True)
class TenantRow:
    slug: str
    name: str
    schema_name: str
    is_active: bool
    is_deleted: bool
    primary_domain: str | None


def tenant_list() -> list[TenantRow]:
    primary = Domain.objects.filter(tenant=OuterRef("pk"), is_primary=True).values("domain")[:1]
    rows = Tenant.objects.annotate(primary_domain=Subquery(primary)).order_by("slug")
    return [
        TenantRow(
            slug=t.slug,
            name=t.name,
            schema_name=t.schema_name,
            is_active=t.is_active,
            is_deleted=t.deleted_at is not None,
            primary_domain=t.primary_domain,
        )
        for t in rows
    ]


def tenant_primary_domain(*, tenant: Tenant) -> str | None:
    domain = Domain.objects.filter(tenant=tenant, is_primary=True).values_list("domain", flat=True).first()
    return None if domain is None else str(domain)


def tenant_find_by_slug(*, slug: str, live_only: bool = False, lock: bool = False) -> Tenant | None:
    """The tenant with this slug, if any (`live_only`: not a deleted tenant's tombstone; `lock`: FOR UPDATE,
    inside the caller's transaction)."""
    tenants = Tenant.objects.select_for_update() if lock else Tenant.objects.all()
    if live_only:
        tenants = tenants.filter(deleted_at__isnull=True)
    found: Tenant | None = tenants.filter(slug=slug).first()
    return found


def tenant_get_by_slug(*, slug: str, live_only: bool = False, lock: bool = False) -> Tenant:
    """The tenant with this slug, or 404 `tenant_not_found` (commands print it as their one-line error)."""
    tenant = tenant_find_by_slug(slug=slug, live_only=live_only, lock=lock)
    if tenant is None:
        raise NotFound(f"no tenant with slug {slug!r}", code="tenant_not_found")
    return tenant
