"""Who may call a view: an active member of the routed tenant (the default), or one of its administrators.

Full roles and permission codes arrive with M4; until then `IsTenantAdmin` is the single place that
decides what a tenant administrator is.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


def _member(request: Request) -> bool:
    user = request.user
    return user is not None and bool(getattr(user, "membership_is_active", False))


class IsTenantMember(BasePermission):
    message = "You are not a member of this tenant."

    def has_permission(self, request: Request, view: Any) -> bool:
        return _member(request)


class IsTenantAdmin(BasePermission):
    message = "This requires a tenant administrator."

    def has_permission(self, request: Request, view: Any) -> bool:
        return _member(request) and bool(getattr(request.user, "membership_is_admin", False))
