"""The tenant a request was routed to (set by TenantRoutingMiddleware before any view runs)."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.request import Request

from shared_apps.core.exceptions import NotFound

from .models import Tenant


def request_tenant_or_none(request: HttpRequest | Request) -> Tenant | None:
    tenant = getattr(request, "tenant", None)  # a DRF Request reads it from the Django request
    return tenant if isinstance(tenant, Tenant) else None


def request_tenant(request: HttpRequest | Request) -> Tenant:
    """The routed tenant; a 404 when there is none (tenant URLconfs are only reachable when routed: belt
    and braces)."""
    tenant = request_tenant_or_none(request)
    if tenant is None:
        raise NotFound("Organisation introuvable.", code="tenant_not_found")
    return tenant
