"""Which stock site each till establishment's sales consume from (set before or after its first import)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import NotFound
from shared_apps.tenants.models import Tenant
from tenant_apps.stock.models import Site

from ..models import TillEstablishment


@transaction.atomic
def establishment_site_set(
    *, tenant: Tenant, establishment_id: str, site_id: int, name: str | None, actor: Any
) -> TillEstablishment:
    """Map an establishment (the export's `ID Etablissement`) to a site: the stock its next imported
    sales take their ingredients from. Sales already imported keep the exits they wrote."""
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise NotFound("Site introuvable.", code="site_not_found")
    establishment, _ = TillEstablishment.objects.get_or_create(establishment_id=establishment_id[:64])
    establishment.site = site
    if name is not None:
        establishment.name = name[:128]
    establishment.save(update_fields=["site", "name"])
    audit_record(
        event_type=EventType.TILL_SITE_MAPPED,
        tenant=tenant,
        user=actor,
        details={"establishment_id": establishment.establishment_id, "site_id": site.pk},
    )
    return establishment
