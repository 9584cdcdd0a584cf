"""Declarative permissions (Sentry's `scope_map`, Saleor's enums): each view says what it needs, and plain
functions over a `Principal` decide. Two thin adapters apply them: `RequiredPermission` for DRF (the
default permission class) and `permission_required` for Django views.

A view's `required_permission` is a code, a {method: code} map, or None:
- None: any active member of this tenant, as a person. API keys are refused there: those views act on the
  caller's own account (password, MFA, keys, sessions by token), which a key must never do.
- A code: the caller must hold it at this tenant now (roles, expiry, is_admin: selectors), and an API key
  additionally must have it in its scopes (credentials.ScopedCredential.restrict).
Platform staff (User.is_staff and is_superuser) hold every code at every tenant.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.http import HttpRequest, HttpResponse
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from shared_apps.core.errors import error_response
from shared_apps.core.exceptions import PermissionDenied

from .principal import CredentialKind, Principal, current_principal_or_none

NOT_A_MEMBER = "Vous n'êtes pas membre de cette organisation."
NO_API_KEYS = "API keys cannot call this endpoint."


def has_permission(principal: Principal, code: str) -> bool:
    return code in principal.permissions


def require_permission(principal: Principal, code: str) -> None:
    """For a view whose need depends on the input (e.g. promoting a member needs users:admin)."""
    if not has_permission(principal, code):
        raise PermissionDenied(f"Cette action requiert la permission {code}.", code="permission_denied")


def access_refusal(principal: Principal | None, required: str | None) -> str | None:
    """Why `principal` may not call a view that requires `required` (see the module docstring); None when
    it may."""
    if principal is None or not (principal.is_member or principal.is_platform_staff):
        return NOT_A_MEMBER
    if required is None:
        return NO_API_KEYS if principal.credential == CredentialKind.API_KEY else None
    if not has_permission(principal, required):
        return f"Cette action requiert la permission {required}."
    return None


def required_permission_of(view: Any, method: str) -> str | None:
    required = getattr(view, "required_permission", None)
    if isinstance(required, dict):
        method = "GET" if method == "HEAD" else method
        return required.get(method)
    return str(required) if required else None


def _drf_principal(request: Request) -> Principal | None:
    request.user  # noqa: B018 - DRF authenticates lazily; this binds the principal if there is one
    return current_principal_or_none()


class RequiredPermission(BasePermission):
    message = NOT_A_MEMBER

    def has_permission(self, request: Request, view: Any) -> bool:
        principal = _drf_principal(request)
        if request.method == "OPTIONS":
            refusal = access_refusal(principal, None)
            return refusal in (None, NO_API_KEYS)
        refusal = access_refusal(principal, required_permission_of(view, request.method or "GET"))
        if refusal is not None:
            self.message = refusal
        return refusal is None


def HasPermission(code: str) -> type[BasePermission]:
    """`permission_classes = [HasPermission(PermissionCode.USERS_READ)]`: one code for every method."""

    class _HasPermission(RequiredPermission):
        def has_permission(self, request: Request, view: Any) -> bool:
            refusal = access_refusal(_drf_principal(request), code)
            if refusal is not None:
                self.message = refusal
            return refusal is None

    _HasPermission.__name__ = f"HasPermission[{code}]"
    return _HasPermission


ViewFunction = TypeVar("ViewFunction", bound=Callable[..., HttpResponse])


def permission_required(code: str | None = None) -> Callable[[ViewFunction], ViewFunction]:
    """For a Django view: `@permission_required(PermissionCode.METRO_READ)` (None: any active member).
    Reads the principal its authentication bound to the request context: 401 without one, 403 when refused,
    in the contract's JSON error body."""

    def decorate(view: ViewFunction) -> ViewFunction:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            principal = current_principal_or_none()
            if principal is None:
                return error_response(401, "not_authenticated", "L'authentification est requise.")
            refusal = access_refusal(principal, code)
            if refusal is not None:
                return error_response(403, "permission_denied", refusal)
            return view(request, *args, **kwargs)

        return cast(ViewFunction, wrapped)

    return decorate
