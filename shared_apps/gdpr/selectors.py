"""The export: every personal datum held about a person, gathered from every source.

A person's own export covers every tenant they belong to (each tenant source runs inside that tenant's
schema). An administrator's export of a member covers what their own tenant holds, and nothing from the
person's other tenants: that is not theirs to see.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import User
from shared_apps.tenants.models import Tenant

from .sources import PUBLIC_SOURCES, all_sources, tenant_sources


def gdpr_export(*, user: User, tenant: Tenant | None) -> dict[str, Any]:
    """`tenant` None: the person's own, complete export; a tenant: what that tenant holds about them."""
    body: dict[str, Any] = {
        "export_date": timezone.now(),
        "scope": "all" if tenant is None else tenant.slug,
    }
    for source in PUBLIC_SOURCES:
        body[source.key] = source.export(user, tenant)
    tenants = (
        [tenant]
        if tenant is not None
        else list(Tenant.objects.filter(memberships__user=user).distinct().order_by("slug"))
    )
    for source in tenant_sources():
        body[source.key] = []
    for each in tenants:
        with schema_context(each.schema_name):
            for source in tenant_sources():
                body[source.key].extend({"tenant_id": each.slug, **row} for row in source.export(user, each))
    body["data_retention"] = {s.key: s.retention for s in all_sources()}
    return body


def gdpr_inventory() -> list[dict[str, Any]]:
    return [
        {
            "category": s.category,
            "fields": list(s.fields),
            "purpose": s.purpose,
            "retention": s.retention,
            "legal_basis": s.legal_basis,
        }
        for s in all_sources()
    ]
