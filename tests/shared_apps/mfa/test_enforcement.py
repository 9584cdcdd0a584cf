"""The tenant's `mfa_policy`: a member who must have MFA and has none gets a token restricted to MFA
set-up; every other endpoint answers 403 `mfa_setup_required` until they enable MFA and log in again."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.tenants.models import Tenant
from shared_apps.tenants.routing import clear_routing_cache
from tenant_apps.sessions.tokens import access_token_decode
from tests.factories.accounts import bearer, login, make_member
from tests.factories.mfa import code_for, give_mfa, login_mfa, post

pytestmark = pytest.mark.django_db


def _policy(tenant: Tenant, value: str | None) -> None:
    tenant.settings = {} if value is None else {"mfa_policy": value}
    tenant.save(update_fields=["settings"])
    clear_routing_cache()  # the routed tenant (and its settings) is cached for a few seconds


def _restricted(client: Client, tokens: dict[str, Any]) -> bool:
    claims = access_token_decode(tokens["access_token"])
    response = client.get("/api/v1/users/me", **bearer(tokens))
    if response.status_code == 403:
        assert response.json()["error"] == "MFA_SETUP_REQUIRED"
        assert claims.scope == "mfa_setup"
        return True
    assert response.status_code == 200, response.content
    assert claims.scope is None
    return False


@pytest.mark.parametrize(
    ("policy", "admin_restricted", "member_restricted"),
    [
        (None, False, False),
        ("optional", False, False),
        ("required_for_admins", True, False),
        ("required_for_all", True, True),
        ("required-for-everyone", True, True),  # an unknown value fails closed
    ],
)
def test_each_policy_restricts_whom_it_should(
    client_a: Client, tenant_a: Tenant, policy: str | None, admin_restricted: bool, member_restricted: bool
) -> None:
    _policy(tenant_a, policy)
    admin = make_member(tenant=tenant_a, is_admin=True)
    member = make_member(tenant=tenant_a)
    assert _restricted(client_a, login(client_a, admin.user.email)) is admin_restricted
    assert _restricted(client_a, login(client_a, member.user.email)) is member_restricted


def test_a_member_with_mfa_is_not_restricted(
    client_a: Client, tenant_a: Tenant, member_a: Membership, clock: time_machine.Traveller
) -> None:
    _policy(tenant_a, "required_for_all")
    kit = give_mfa(member_a.user)
    assert _restricted(client_a, login_mfa(client_a, member_a.user.email, code=code_for(kit.secret))) is False


def test_restricted_token_opens_only_mfa_setup_me_and_logout(
    client_a: Client, tenant_a: Tenant, member_a: Membership, clock: time_machine.Traveller
) -> None:
    _policy(tenant_a, "required_for_all")
    tokens = login(client_a, member_a.user.email)
    assert tokens["mfa_required"] is False  # no device yet: nothing to ask for; the token says what to do
    headers = bearer(tokens)
    for method, path in [
        ("get", "/api/v1/users/me"),
        ("get", "/api/v1/sessions"),
        ("post", "/api/v1/auth/verify-token"),
        ("post", "/api/v1/auth/change-password"),
        ("post", "/api/v1/mfa/verify"),
        ("get", "/api/v1/users"),
    ]:
        response = getattr(client_a, method)(path, {}, content_type="application/json", **headers)
        assert response.status_code == 403, (path, response.content)
        assert response.json()["error"] == "MFA_SETUP_REQUIRED", path
    me = client_a.get("/api/v1/auth/me", **headers)
    assert me.status_code == 200
    assert me.json()["mfa_required"] is True
    assert me.json()["mfa_enabled"] is False
    assert client_a.get("/api/v1/mfa/status", **headers).status_code == 200
    setup = post(client_a, "/api/v1/mfa/setup", {}, **headers)
    assert setup.status_code == 200
    secret = setup.json()["secret"]
    enabled = post(client_a, "/api/v1/mfa/enable", {"code": code_for(secret, steps=-1)}, **headers)
    assert enabled.status_code == 200, enabled.content
    # The session was opened without a second factor: a refresh does not lift the restriction ...
    refreshed = post(client_a, "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}).json()
    assert _restricted(client_a, refreshed) is True
    # ... logging in again with MFA does.
    again = login(client_a, member_a.user.email)
    assert again["mfa_required"] is True
    full = login_mfa(client_a, member_a.user.email, code=code_for(secret))
    assert _restricted(client_a, full) is False
    assert post(client_a, "/api/v1/auth/logout", {}, **headers).status_code == 200


def test_a_refresh_cannot_shed_the_restriction(
    client_a: Client, tenant_a: Tenant, member_a: Membership
) -> None:
    _policy(tenant_a, "required_for_all")
    tokens = login(client_a, member_a.user.email)
    refreshed = post(client_a, "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}).json()
    assert _restricted(client_a, refreshed) is True


def test_a_policy_switched_on_restricts_at_the_next_refresh(
    client_a: Client, tenant_a: Tenant, member_a: Membership
) -> None:
    tokens = login(client_a, member_a.user.email)
    assert _restricted(client_a, tokens) is False
    _policy(tenant_a, "required_for_all")
    refreshed = post(client_a, "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}).json()
    assert _restricted(client_a, refreshed) is True


def test_policy_is_per_tenant(
    client_a: Client, client_b: Client, tenant_a: Tenant, tenant_b: Tenant, member_a: Membership
) -> None:
    _policy(tenant_a, "required_for_all")
    Membership.objects.create(user=member_a.user, tenant=tenant_b)
    assert _restricted(client_a, login(client_a, member_a.user.email)) is True
    assert _restricted(client_b, login(client_b, member_a.user.email)) is False
