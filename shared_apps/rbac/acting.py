"""Audit rows of a change made by whoever is acting now (a request's or a job's principal)."""

from __future__ import annotations

from typing import Any

from django.db import connection

from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.tenants.models import Tenant

from .principal import current_principal_or_none


def audit_as_principal(*, event_type: EventType, details: dict[str, Any]) -> None:
    """One audit row in the caller's transaction: who (the current principal, if any), at which tenant
    (the principal's, else the tenant of the schema the change was written in)."""
    principal = current_principal_or_none()
    tenant = principal.tenant if principal is not None else getattr(connection, "tenant", None)
    audit_record(
        event_type=event_type,
        tenant=tenant if isinstance(tenant, Tenant) else None,
        user=principal.user if principal is not None else None,
        details=details,
    )
