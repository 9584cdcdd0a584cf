"""The tenant's local time zone: the till writes wall-clock time, read in it."""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import connection

from shared_apps.core.exceptions import ValidationFailed
from shared_apps.tenants.models import Tenant

TIME_ZONE_SETTING = "time_zone"


def tenant_time_zone(*, tenant: Tenant | None) -> ZoneInfo:
    """The tenant's local time zone (its `time_zone` setting), Europe/Paris unless set."""
    name = settings.SALES_DEFAULT_TIME_ZONE
    if tenant is not None:
        name = tenant.setting(TIME_ZONE_SETTING) or name
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationFailed(
            f"Fuseau horaire inconnu dans les réglages de l'organisation : {name!r}."
        ) from error


def current_time_zone() -> ZoneInfo:
    """The time zone of the tenant whose schema is active (the default on a schema with no tenant)."""
    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Tenant):  # schema_context sets a schema, not the tenant's row
        schema_name = str(cast(Any, connection).schema_name)
        tenant = Tenant.objects.filter(schema_name=schema_name).first()
    return tenant_time_zone(tenant=tenant)
