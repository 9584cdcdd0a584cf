"""Login at a tenant: success, the one failure answer, membership, bcrypt upgrade."""

from __future__ import annotations

import bcrypt
import pytest
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.audit.models import AuditEvent
from tests.factories.accounts import PASSWORD, bearer, login, make_member

pytestmark = pytest.mark.django_db


def _post_login(client: Client, email: str, password: str) -> object:
    return client.post(
        "/api/v1/auth/login", {"email": email, "password": password}, content_type="application/json"
    )


def test_login_returns_tokens_and_me_works(client_a: Client, member_a: Membership) -> None:
    tokens = login(client_a, member_a.user.email)
    assert tokens["token_type"] == "bearer"
    assert 0 < tokens["expires_in"] <= 900
    assert tokens["mfa_required"] is False
    me = client_a.get("/api/v1/auth/me", **bearer(tokens))
    assert me.status_code == 200, me.content
    assert me.json()["user_id"] == str(member_a.user.pk)
    assert me.json()["tenant_id"] == "alpha"


def test_email_is_case_insensitive(client_a: Client, member_a: Membership) -> None:
    login(client_a, member_a.user.email.upper())


def _failure_cases(tenant_a: object, tenant_b: object) -> dict[str, tuple[str, str]]:
    wrong = make_member(tenant=tenant_a)
    inactive = make_member(tenant=tenant_a, user__is_active=False)
    elsewhere = make_member(tenant=tenant_b)
    suspended = make_member(tenant=tenant_a, is_active=False)
    return {
        "unknown email": ("nobody@example.com", PASSWORD),
        "wrong password": (wrong.user.email, PASSWORD + "x"),
        "inactive user": (inactive.user.email, PASSWORD),
        "member of another tenant only": (elsewhere.user.email, PASSWORD),
        "inactive membership": (suspended.user.email, PASSWORD),
    }


def test_every_failure_gives_the_same_401_body(client_a: Client, tenant_a: object, tenant_b: object) -> None:
    bodies = {}
    for case, (email, password) in _failure_cases(tenant_a, tenant_b).items():
        response = _post_login(client_a, email, password)
        assert response.status_code == 401, case  # type: ignore[attr-defined]
        body = response.json()  # type: ignore[attr-defined]
        assert body.pop("request_id")
        bodies[case] = body
    assert len({repr(body) for body in bodies.values()}) == 1, bodies
    assert next(iter(bodies.values()))["error"] == "INVALID_CREDENTIALS"


def test_unknown_email_spends_a_hash_verification(client_a: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from shared_apps.authn import services

    calls: list[str] = []
    monkeypatch.setattr(services, "password_dummy_check", lambda password: calls.append(password))
    assert _post_login(client_a, "nobody@example.com", "some password 123").status_code == 401  # type: ignore[attr-defined]
    assert calls == ["some password 123"]


def test_failed_and_successful_logins_are_audited(client_a: Client, member_a: Membership) -> None:
    _post_login(client_a, member_a.user.email, "wrong password here")
    login(client_a, member_a.user.email)
    events = list(
        AuditEvent.objects.filter(user=member_a.user).values_list("event_type", "success", "factor")
    )
    assert ("login_failed", False, "password") in events
    assert ("login_succeeded", True, "password") in events


def test_bcrypt_hash_of_the_predecessor_verifies_and_is_upgraded(client_a: Client, tenant_a: object) -> None:
    legacy = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=12)).decode()
    assert legacy.startswith("$2b$12$")
    membership = make_member(tenant=tenant_a, user__password=f"bcrypt${legacy}")
    user = membership.user
    login(client_a, user.email)
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.password_changed_at is None  # a re-hash is not a password change
    login(client_a, user.email)


def test_bcrypt_account_with_a_long_password_fails_cleanly(client_a: Client, tenant_a: object) -> None:
    legacy = bcrypt.hashpw(b"x" * 72, bcrypt.gensalt(rounds=4)).decode()
    membership = make_member(tenant=tenant_a, user__password=f"bcrypt${legacy}")
    # The predecessor's bcrypt ignored bytes past 72: a longer password with the same start verifies.
    login(client_a, membership.user.email, "x" * 100)
    assert _post_login(client_a, membership.user.email, "y" * 100).status_code == 401  # type: ignore[attr-defined]


def test_mfa_hook_answers_mfa_required_with_a_single_use_token(
    client_a: Client, member_a: Membership, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shared_apps.authn import services
    from tenant_apps.sessions.models import UserSession
    from tenant_apps.sessions.services import mfa_challenge_consume

    monkeypatch.setattr(services, "user_has_mfa", lambda user: True)
    body = login(client_a, member_a.user.email)
    assert body["mfa_required"] is True
    assert "access_token" not in body
    assert "refresh_token" not in body
    assert not UserSession.objects.filter(user=member_a.user).exists()
    user = mfa_challenge_consume(token=body["mfa_session_token"])
    assert user is not None
    assert user.pk == member_a.user.pk
    assert mfa_challenge_consume(token=body["mfa_session_token"]) is None


def test_password_longer_than_128_is_refused(client_a: Client, member_a: Membership) -> None:
    assert _post_login(client_a, member_a.user.email, "a" * 129).status_code == 422  # type: ignore[attr-defined]


def test_last_login_at_is_set(client_a: Client, member_a: Membership) -> None:
    login(client_a, member_a.user.email)
    member_a.user.refresh_from_db()
    assert member_a.user.last_login_at is not None
