"""The typed principal: one accessor over the request context, and the permission rules applied to any
principal, through the Django view decorator as through DRF (the DRF side: test_permission_matrix)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from shared_apps.core.context import context_bind, request_context
from shared_apps.core.exceptions import NotAuthenticated
from shared_apps.rbac.credentials import ScopedCredential
from shared_apps.rbac.enums import ALL_CODES, SYSTEM_ROLE_PERMISSIONS, PermissionCode, SystemRole
from shared_apps.rbac.permissions import permission_required
from shared_apps.rbac.principal import (
    CredentialKind,
    MembershipState,
    MfaState,
    Principal,
    current_principal,
    current_principal_or_none,
    principal_bind,
    principal_build,
)
from shared_apps.tenants.models import Tenant
from tests.factories.accounts import make_member, make_user

pytestmark = pytest.mark.django_db


def _principal(
    tenant: Tenant,
    *,
    credential: CredentialKind = CredentialKind.WEB_SESSION,
    active: bool = True,
    codes: list[str | None] | None = None,
    api_key: ScopedCredential | None = None,
) -> Principal:
    user = make_member(tenant=tenant).user
    return principal_build(
        user=user,
        tenant=tenant,
        membership=MembershipState(active=active, is_admin=False),
        live_role_codes=codes,
        mfa=MfaState(enabled=False),
        auth_time=datetime.now(tz=UTC),
        credential=credential,
        api_key=api_key,
    )


@permission_required(PermissionCode.METRO_READ)
def _metro_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


@permission_required()
def _member_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def _call(view: Any, principal: Principal | None) -> HttpResponse:
    request = RequestFactory().get("/page")
    with context_bind(ip="192.0.2.1", user_agent="browser", request_id="r-1"):
        if principal is not None:
            principal_bind(principal)
        response: HttpResponse = view(request)
    return response


def test_no_principal_outside_a_bound_context_and_none_left_after_it(tenant_a: Tenant) -> None:
    assert current_principal_or_none() is None
    with pytest.raises(NotAuthenticated):
        current_principal()
    principal = _principal(tenant_a)
    with context_bind(request_id="r-2"):
        principal_bind(principal)
        assert current_principal() is principal
        assert request_context().request_id == "r-2"
    assert current_principal_or_none() is None


def test_a_member_holds_the_member_role_until_a_live_role_replaces_it(tenant_a: Tenant) -> None:
    assert _principal(tenant_a).permissions == SYSTEM_ROLE_PERMISSIONS[SystemRole.MEMBER]
    assert _principal(tenant_a, codes=["audit:read", None]).permissions == {"audit:read"}
    assert _principal(tenant_a, active=False).permissions == frozenset()


def test_platform_staff_hold_every_code_and_a_key_only_its_scopes(tenant_a: Tenant) -> None:
    staff = make_user(is_staff=True, is_superuser=True)
    principal = principal_build(
        user=staff,
        tenant=tenant_a,
        membership=None,
        live_role_codes=None,
        mfa=MfaState(enabled=False),
        auth_time=None,
        credential=CredentialKind.TOKEN,
    )
    assert principal.permissions == ALL_CODES
    key = ScopedCredential(key_id=1, key_prefix="mc_x", scopes=("metro:read", "api-keys:manage"))
    keyed = _principal(tenant_a, credential=CredentialKind.API_KEY, api_key=key)
    assert keyed.permissions == {"metro:read"}  # api-keys:manage is never a key's scope


def test_view_decorator_answers_401_without_a_principal() -> None:
    response = _call(_metro_page, None)
    assert response.status_code == 401
    assert b"NOT_AUTHENTICATED" in response.content


def test_view_decorator_refuses_a_principal_without_the_code(tenant_a: Tenant) -> None:
    response = _call(_metro_page, _principal(tenant_a, codes=["audit:read"]))
    assert response.status_code == 403
    assert b"metro:read" in response.content


def test_view_decorator_lets_a_member_with_the_code_through(tenant_a: Tenant) -> None:
    assert _call(_metro_page, _principal(tenant_a)).status_code == 200


def test_view_decorator_refuses_an_inactive_member_and_a_key_on_personal_views(tenant_a: Tenant) -> None:
    assert _call(_member_page, _principal(tenant_a, active=False)).status_code == 403
    key = ScopedCredential(key_id=1, key_prefix="mc_x", scopes=("*",))
    response = _call(_member_page, _principal(tenant_a, credential=CredentialKind.API_KEY, api_key=key))
    assert response.status_code == 403
    assert b"API keys cannot call this endpoint." in response.content
    assert _call(_member_page, _principal(tenant_a)).status_code == 200
