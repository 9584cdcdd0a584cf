"""The routed tenant of an API request (set by shared_apps.tenants.middleware before any view runs)."""

from __future__ import annotations

from typing import Any

from shared_apps.accounts.models import User
from shared_apps.core.exceptions import NotAuthenticated, NotFound
from shared_apps.tenants.models import Tenant

from .tokens import AccessClaims


def request_tenant(request: Any) -> Tenant:
    tenant = getattr(getattr(request, "_request", request), "tenant", None)
    if not isinstance(tenant, Tenant):  # tenant URLconfs are only reachable when routed; belt and braces
        raise NotFound("No such tenant.", code="tenant_not_found")
    return tenant


def request_user(request: Any) -> User:
    """The authenticated user (views behind IsTenantMember / IsTenantAdmin only)."""
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        raise NotAuthenticated("Authentication is required.")
    return user


def request_claims(request: Any) -> AccessClaims:
    claims = getattr(request, "auth", None)
    if not isinstance(claims, AccessClaims):
        raise NotAuthenticated("Authentication is required.")
    return claims
