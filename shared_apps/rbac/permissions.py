"""Declarative permissions (Sentry's `scope_map`, Saleor's enums): each view says what it needs.

`RequiredPermission` is the default permission class (through shared_apps.authn.permissions.IsTenantMember).
It reads the view's `required_permission`: a code, a {method: code} map, or None.

- None: any active member of this tenant, as a person. API keys are refused there: those views act on the
  caller's own account (password, MFA, keys, sessions by token), which a key must never do.
- A code: the caller must hold it at this tenant now (roles, expiry, is_admin: selectors), and an API key
  additionally must have it in its scopes (credentials.ScopedCredential.restrict).

Platform staff (User.is_staff and is_superuser) hold every code at every tenant: the one unscoped bypass.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from shared_apps.core.exceptions import PermissionDenied

from .credentials import ScopedCredential
from .enums import ALL_CODES
from .selectors import codes_combine, permission_codes_for

_CACHE_ATTR = "_rbac_codes"


def is_platform_staff(user: Any) -> bool:
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_superuser", False))


def _is_member(user: Any) -> bool:
    return user is not None and bool(getattr(user, "membership_is_active", False))


def request_permissions(request: Request) -> frozenset[str]:
    """The codes the caller may use on this request (cached on the request)."""
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    user = request.user
    tenant = getattr(request._request, "tenant", None)
    codes: frozenset[str] = frozenset()
    if user is not None and tenant is not None:
        if is_platform_staff(user):
            codes = ALL_CODES
        elif _is_member(user) and hasattr(user, "rbac_assigned"):  # read with the principal
            codes = codes_combine(
                assigned=bool(user.rbac_assigned),
                codes=user.rbac_codes or (),  # type: ignore[union-attr]
                is_admin=bool(getattr(user, "membership_is_admin", False)),
            )
        elif _is_member(user):
            codes = permission_codes_for(
                user_id=user.pk,
                tenant_id=tenant.pk,
                is_admin=bool(getattr(user, "membership_is_admin", False)),
                now=timezone.now(),
            )
    if isinstance(request.auth, ScopedCredential):
        codes = request.auth.restrict(codes)
    setattr(request, _CACHE_ATTR, codes)
    return codes


def request_has_permission(request: Request, code: str) -> bool:
    return code in request_permissions(request)


def require_permission(request: Request, code: str) -> None:
    """For a view whose need depends on the input (e.g. promoting a member needs users:admin)."""
    if not request_has_permission(request, code):
        raise PermissionDenied(f"This requires the {code} permission.", code="permission_denied")


def required_permission_of(view: Any, method: str) -> str | None:
    required = getattr(view, "required_permission", None)
    if isinstance(required, dict):
        method = "GET" if method == "HEAD" else method
        return required.get(method)
    return str(required) if required else None


class RequiredPermission(BasePermission):
    message = "You are not a member of this tenant."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if user is None or not (_is_member(user) or is_platform_staff(user)):
            return False
        if request.method == "OPTIONS":
            return True
        required = required_permission_of(view, request.method or "GET")
        if required is None:
            if isinstance(request.auth, ScopedCredential):
                self.message = "API keys cannot call this endpoint."
                return False
            return True
        if not request_has_permission(request, required):
            self.message = f"This requires the {required} permission."
            return False
        return True


def HasPermission(code: str) -> type[BasePermission]:
    """`permission_classes = [HasPermission(PermissionCode.USERS_READ)]`: one code for every method."""

    class _HasPermission(RequiredPermission):
        def has_permission(self, request: Request, view: Any) -> bool:
            user = request.user
            if user is None or not (_is_member(user) or is_platform_staff(user)):
                return False
            if not request_has_permission(request, code):
                self.message = f"This requires the {code} permission."
                return False
            return True

    _HasPermission.__name__ = f"HasPermission[{code}]"
    return _HasPermission
