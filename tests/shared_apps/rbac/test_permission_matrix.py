"""The permission matrix (pretix's tests/api/test_permissions.py is the model): every route of the tenant
URLconf x every method its view implements x each system role, an anonymous caller and an API key with the
wrong scope, against the table below. A route or method missing from the table fails the test, so a new
endpoint cannot ship without saying who may call it.

Rules: PUBLIC answers everyone alike (and never 401); SELF is any member as a person (no API key);
a role name is the least role allowed (owner > admin > manager > member > read-only); a tuple names the
roles allowed, for what is outside that line (the accountant reads as read-only does, and exports the
FEC). Allowed callers must not get 401/403 (the empty body may well be a 400, the sample id a 404);
others get 403 (401 when anonymous).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import resolve

from shared_apps.rbac.permissions import required_permission_of
from shared_apps.tenants.models import Tenant
from tests.conftest import TENANT_A
from tests.factories.access import ROLES, api_key_for, key_headers, member_with_role, token_headers
from tests.urlwalk import Route, routes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

PUBLIC, SELF = "public", "self"
RO, MEMBER, MANAGER, ADMIN = "read-only", "member", "manager", "admin"
ACCOUNTANT = "accountant"
EXPORT = ("owner", ADMIN, ACCOUNTANT)
# A key holding a scope the route does not need: analytics:read, or audit:read for the analytics routes.
WRONG_SCOPES = ("analytics:read", "audit:read")


def wrong_scope(required: str | None) -> str:
    return next(scope for scope in WRONG_SCOPES if scope != required)


PATH_VALUES = {"role_id": "999999", "ean": "00000000", "token": "not-a-token"}

MATRIX: dict[str, dict[str, str | tuple[str, ...]]] = {
    "health": {"GET": PUBLIC},
    "ready": {"GET": PUBLIC},
    "health-deep": {"GET": PUBLIC},
    "metrics": {"GET": PUBLIC},
    "schema": {"GET": PUBLIC},
    "schema-json": {"GET": PUBLIC},
    "docs": {"GET": PUBLIC},
    "api:info": {"GET": PUBLIC},
    "api:auth-login": {"POST": PUBLIC},
    "api:auth-register": {"POST": PUBLIC},
    "api:auth-refresh": {"POST": PUBLIC},
    "api:auth-login-mfa": {"POST": PUBLIC},
    "api:password-reset-request": {"POST": PUBLIC},
    "api:password-reset-confirm": {"POST": PUBLIC},
    "api:password-reset-validate": {"GET": PUBLIC},
    "api:auth-logout": {"POST": SELF},
    "api:auth-me": {"GET": SELF},
    "api:auth-change-password": {"POST": SELF},
    "api:auth-verify-token": {"POST": SELF},
    "api:mfa-setup": {"POST": SELF},
    "api:mfa-enable": {"POST": SELF},
    "api:mfa-disable": {"POST": SELF},
    "api:mfa-status": {"GET": SELF},
    "api:mfa-verify": {"POST": SELF},
    "api:mfa-recovery-verify": {"POST": SELF},
    "api:mfa-recovery-regenerate": {"POST": SELF},
    "api:users-me": {"GET": SELF, "PUT": SELF},
    "api:users": {"GET": MANAGER, "POST": MANAGER},
    "api:user-detail": {"GET": MANAGER, "PUT": MANAGER, "DELETE": ADMIN},
    "api:user-verify": {"POST": MANAGER},
    "api:user-activate": {"POST": MANAGER},
    "api:user-deactivate": {"POST": ADMIN},
    "api:audit-events": {"GET": MANAGER},
    "api:sessions": {"GET": RO, "DELETE": RO},
    "api:session-detail": {"GET": RO, "DELETE": RO},
    "api:roles": {"GET": MANAGER, "POST": ADMIN},
    "api:role-detail": {"GET": MANAGER, "PUT": ADMIN, "DELETE": ADMIN},
    "api:user-roles": {"GET": MANAGER, "POST": ADMIN},
    "api:user-role": {"DELETE": ADMIN},
    "api:api-keys": {"GET": SELF, "POST": MEMBER},
    "api:api-key-detail": {"GET": SELF, "DELETE": MEMBER},
    "api:gdpr-export": {"GET": SELF},
    "api:gdpr-export-member": {"GET": ADMIN},
    "api:gdpr-delete": {"DELETE": ADMIN},
    "api:gdpr-anonymize": {"POST": ADMIN},
    "api:gdpr-inventory": {"GET": SELF},
    "api:oauth-providers": {"GET": PUBLIC},
    "api:oauth-authorize": {"GET": PUBLIC},
    "api:oauth-callback": {"GET": PUBLIC},
    "api:oauth-complete-registration": {"POST": PUBLIC},
    "api:oauth-accounts": {"GET": SELF},
    "api:oauth-unlink": {"POST": SELF},
    "api:oauth-link": {"GET": SELF},
    "api:metro-products": {"GET": RO},
    "api:metro-product-by-ean": {"GET": RO},
    "api:metro-product": {"GET": RO},
    "api:metro-invoices": {"GET": RO},
    "api:metro-invoice": {"GET": RO},
    "api:metro-summary": {"GET": RO},
    "api:metro-clients": {"GET": RO},
    "api:metro-dashboard": {"GET": RO},
    "api:metro-stats-categories": {"GET": RO},
    "api:metro-stats-tva": {"GET": RO},
    "api:metro-categories": {"GET": RO},
    "api:metro-import": {"POST": MANAGER},
    "api:metro-import-job": {"GET": MANAGER},
    "api:metro-recalculate": {"POST": MANAGER},
    "api:sites": {"GET": RO, "POST": MANAGER},
    "api:catalog-products": {"GET": RO},
    "api:catalog-product": {"GET": RO, "PATCH": MANAGER},
    "api:catalog-families": {"GET": RO},
    "api:analytics-categories": {"GET": RO},
    "api:analytics-stock-valuation": {"GET": RO},
    "api:analytics-stock-movements": {"GET": RO},
    "api:analytics-products-top": {"GET": RO},
    "api:analytics-classify": {"POST": ADMIN},
    "api:analytics-classify-preview": {"GET": RO},
    "api:catalog-price-alerts": {"GET": RO},
    "api:catalog-price-alert": {"PATCH": MANAGER},
    "api:metro-price-history": {"GET": RO},
    "api:metro-price-history-by-ean": {"GET": RO},
    "api:site": {"PATCH": MANAGER},
    "api:stock-counts": {"POST": MANAGER},
    "api:stock-movements": {"POST": MANAGER},
    "api:sales-import": {"POST": MANAGER},
    "api:sales-import-job": {"GET": MANAGER},
    "api:analytics-sales-restaurant": {"GET": RO},
    "api:sales-coverage": {"GET": RO},
    "api:analytics-dashboard": {"GET": RO},
    "api:stock-variance": {"GET": RO},
    "api:analytics-top-dishes": {"GET": RO},
    "api:dishes": {"GET": RO, "POST": MANAGER},
    "api:dish": {"GET": RO, "PATCH": MANAGER, "DELETE": MANAGER},
    "api:dish-recipe": {"GET": RO, "PUT": MANAGER},
    "api:cost-centres": {"GET": RO, "POST": MANAGER},
    "api:cost-centre": {"GET": RO, "PATCH": MANAGER, "DELETE": MANAGER},
    "api:expense-categories": {"GET": RO, "POST": MANAGER},
    "api:expense-category": {"GET": RO, "PATCH": MANAGER, "DELETE": MANAGER},
    "api:expenses": {"GET": RO, "POST": MANAGER},
    "api:expense": {"GET": RO, "PATCH": MANAGER, "DELETE": MANAGER},
    "api:analytics-expense-synthesis": {"GET": RO},
    "api:sales-establishments": {"GET": RO},
    "api:sales-establishment": {"PUT": MANAGER},
    "api:accounting-fec": {"GET": EXPORT},
    "api:accounting-journals": {"GET": EXPORT},
    "api:accounting-accounts": {"GET": EXPORT, "PUT": ADMIN},
    "api:accounting-settings": {"GET": EXPORT, "PUT": ADMIN},
}
CALLERS = (*ROLES, ACCOUNTANT, "anonymous", "wrong-scope-key")
# The site's pages (web:*) authenticate by cookie, not by token or key: their own matrix, with signed-in
# browsers, is tests/tenant_apps/web/test_matrix.py.
TENANT_ROUTES = [r for r in routes("config.urls_tenant") if not r.name.startswith("web:")]


def _methods(route: Route) -> list[str]:
    view_class = getattr(resolve(route.sample_path(), "config.urls_tenant").func, "view_class", None)
    if view_class is None:
        return ["GET"]
    return [m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)]


def _cases() -> list[tuple[Route, str, str]]:
    return [
        (route, method, caller)
        for route in TENANT_ROUTES
        if route.name in MATRIX
        for method in _methods(route)
        if method in MATRIX[route.name]
        for caller in CALLERS
    ]


def test_every_route_and_method_is_in_the_matrix() -> None:
    implemented = {(r.name, m) for r in TENANT_ROUTES for m in _methods(r)}
    tabled = {(name, m) for name, methods in MATRIX.items() for m in methods}
    assert implemented - tabled == set(), "add these to MATRIX"
    assert tabled - implemented == set(), "MATRIX names routes or methods that do not exist"


def test_the_wrong_scope_is_wrong_everywhere() -> None:
    from django.urls import get_resolver

    for route in TENANT_ROUTES:
        view_class = getattr(resolve(route.sample_path(), "config.urls_tenant").func, "view_class", None)
        for method in _methods(route):
            required = required_permission_of(view_class, method)
            assert wrong_scope(required) != required, route.name
    assert get_resolver("config.urls_tenant")


def _headers(caller: str, tenant: Tenant, required: str | None = None) -> dict[str, Any]:
    if caller == "anonymous":
        return {}
    if caller == "wrong-scope-key":
        return key_headers(api_key_for(member_with_role(tenant, "owner"), [wrong_scope(required)]))
    return token_headers(member_with_role(tenant, caller))


def _allowed(rule: str | tuple[str, ...], caller: str) -> bool:
    if rule == PUBLIC:
        return True
    if caller in ("anonymous", "wrong-scope-key"):
        return False
    if isinstance(rule, tuple):
        return caller in rule
    if rule == SELF:
        return True
    if caller == ACCOUNTANT:
        return rule == RO
    return ROLES.index(caller) <= ROLES.index(rule)


def _call(client: Client, route: Route, method: str, headers: dict[str, Any]) -> Any:
    path = route.sample_path(**PATH_VALUES)
    kwargs: dict[str, Any] = dict(headers)
    if method != "GET":
        kwargs.update(data="{}", content_type="application/json")
    return getattr(client, method.lower())(path, **kwargs)


@pytest.mark.parametrize(
    ("route", "method", "caller"), _cases(), ids=lambda v: v.name if isinstance(v, Route) else str(v)
)
def test_permission_matrix(route: Route, method: str, caller: str, tenant_a: Tenant) -> None:
    rule = MATRIX[route.name][method]
    client = Client(HTTP_HOST=TENANT_A["domain"])
    view_class = getattr(resolve(route.sample_path(), "config.urls_tenant").func, "view_class", None)
    required = required_permission_of(view_class, method)
    status = _call(client, route, method, _headers(caller, tenant_a, required)).status_code
    if rule == PUBLIC:
        anonymous = _call(client, route, method, {}).status_code
        assert status == anonymous, f"{caller}: {status}, anonymous: {anonymous}"
        assert status != 401
    elif _allowed(rule, caller):
        assert status not in (401, 403), f"{caller} should be allowed, got {status}"
    else:
        assert status == (401 if caller == "anonymous" else 403), f"{caller} should be refused, got {status}"
