from __future__ import annotations

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

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
    return domain
