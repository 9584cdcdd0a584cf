"""POST /auth/login/mfa: the second step of a login paused with `mfa_required`."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.audit.models import AuditEvent
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions.models import UserSession
from tests.factories.accounts import bearer, login
from tests.factories.mfa import code_for, give_mfa, post

pytestmark = pytest.mark.django_db
LOGIN_MFA = "/api/v1/auth/login/mfa"


def test_totp_completes_the_login_with_factor_totp(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    first = login(client_a, member_a.user.email)
    assert first["mfa_required"] is True
    assert "access_token" not in first
    response = post(
        client_a,
        LOGIN_MFA,
        {"mfa_session_token": first["mfa_session_token"], "totp_code": code_for(kit.secret)},
    )
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert set(tokens) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert client_a.get("/api/v1/users/me", **bearer(tokens)).status_code == 200
    session = UserSession.objects.get(user=member_a.user)
    assert session.auth_methods == ["totp"]
    event = AuditEvent.objects.get(user=member_a.user, event_type="login_succeeded")
    assert event.factor == "totp"


def test_recovery_code_completes_the_login_once(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    first = login(client_a, member_a.user.email)
    body = {"mfa_session_token": first["mfa_session_token"], "recovery_code": kit.recovery_codes[3]}
    assert post(client_a, LOGIN_MFA, body).status_code == 200
    assert AuditEvent.objects.get(user=member_a.user, event_type="login_succeeded").factor == "recovery"
    second = login(client_a, member_a.user.email)
    body = {"mfa_session_token": second["mfa_session_token"], "recovery_code": kit.recovery_codes[3]}
    response = post(client_a, LOGIN_MFA, body)
    assert response.status_code == 401
    assert response.json()["error"] == "INVALID_MFA_CODE"


def test_the_mfa_session_token_is_single_use(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    token = login(client_a, member_a.user.email)["mfa_session_token"]
    assert (
        post(
            client_a, LOGIN_MFA, {"mfa_session_token": token, "totp_code": code_for(kit.secret, steps=-1)}
        ).status_code
        == 200
    )
    again = post(client_a, LOGIN_MFA, {"mfa_session_token": token, "totp_code": code_for(kit.secret)})
    assert again.status_code == 401
    assert again.json()["error"] == "INVALID_MFA_SESSION"


def test_a_wrong_code_may_be_corrected_with_the_same_token(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    token = login(client_a, member_a.user.email)["mfa_session_token"]
    wrong = "000000" if code_for(kit.secret) != "000000" else "111111"
    assert post(client_a, LOGIN_MFA, {"mfa_session_token": token, "totp_code": wrong}).status_code == 401
    assert (
        post(client_a, LOGIN_MFA, {"mfa_session_token": token, "totp_code": code_for(kit.secret)}).status_code
        == 200
    )


def test_the_mfa_session_token_expires(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    token = login(client_a, member_a.user.email)["mfa_session_token"]
    clock.shift(301)
    response = post(client_a, LOGIN_MFA, {"mfa_session_token": token, "totp_code": code_for(kit.secret)})
    assert response.status_code == 401
    assert response.json()["error"] == "INVALID_MFA_SESSION"


def test_the_mfa_session_token_is_bound_to_its_tenant(
    client_a: Client, client_b: Client, tenant_b: Tenant, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    Membership.objects.create(user=member_a.user, tenant=tenant_b)
    token = login(client_a, member_a.user.email)["mfa_session_token"]
    response = post(client_b, LOGIN_MFA, {"mfa_session_token": token, "totp_code": code_for(kit.secret)})
    assert response.status_code == 401
    assert response.json()["error"] == "INVALID_MFA_SESSION"


@pytest.mark.parametrize(
    "body",
    [
        {"totp_code": "123456"},
        {"mfa_session_token": "x"},
        {"mfa_session_token": "x", "totp_code": "123456", "recovery_code": "abc"},
    ],
)
def test_malformed_requests_are_422(client_a: Client, body: dict[str, str]) -> None:
    assert post(client_a, LOGIN_MFA, body).status_code == 422


def test_a_membership_ended_between_the_two_steps_stops_the_login(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    token = login(client_a, member_a.user.email)["mfa_session_token"]
    Membership.objects.filter(pk=member_a.pk).update(is_active=False)
    response = post(client_a, LOGIN_MFA, {"mfa_session_token": token, "totp_code": code_for(kit.secret)})
    assert response.status_code == 401
    assert not UserSession.objects.filter(user=member_a.user).exists()
