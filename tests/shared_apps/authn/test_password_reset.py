"""Password reset: same answer for any address, link on the primary domain, single use, ≤ 15 minutes."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from shared_apps.accounts.models import Membership
from tests.conftest import SHARED_HOST
from tests.factories.accounts import bearer, login
from tests.support.mail import assert_french

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 9"


def _request(client: Client, email: str, capture: Any, **extra: Any) -> Any:
    with capture(execute=True):
        return client.post(
            "/api/v1/password-reset/request", {"email": email}, content_type="application/json", **extra
        )


def _token() -> str:
    match = re.search(r"https://([^/]+)/reset-password\?token=(\S+)", str(mail.outbox[-1].body))
    assert match
    return match.group(2)


def test_same_answer_whether_or_not_the_account_exists(
    client_a: Client, member_a: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    known = _request(client_a, member_a.user.email, django_capture_on_commit_callbacks)
    unknown = _request(client_a, "nobody@example.com", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json()
    assert [m.to for m in mail.outbox] == [[member_a.user.email]]
    assert "réinitialisation de votre mot de passe" in mail.outbox[0].subject
    assert_french(mail.outbox[0])


@pytest.mark.parametrize("forged", [{"HTTP_X_FORWARDED_HOST": "evil.example"}, {}])
def test_link_uses_the_primary_domain_not_the_host(
    member_a: Membership, django_capture_on_commit_callbacks: Any, forged: dict[str, Any]
) -> None:
    client = Client(HTTP_HOST=SHARED_HOST, HTTP_X_TENANT_ID="alpha")
    _request(client, member_a.user.email, django_capture_on_commit_callbacks, **forged)
    assert "https://alpha.testserver/reset-password?token=" in mail.outbox[-1].body
    assert "evil" not in mail.outbox[-1].body
    assert SHARED_HOST not in mail.outbox[-1].body


def test_confirm_is_single_use_and_revokes_every_session(
    client_a: Client, member_a: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    session = bearer(login(client_a, member_a.user.email))
    _request(client_a, member_a.user.email, django_capture_on_commit_callbacks)
    token = _token()
    assert client_a.get(f"/api/v1/password-reset/validate/{token}").json() == {"success": True, "valid": True}
    body = {"token": token, "new_password": NEW_PASSWORD}
    assert (
        client_a.post("/api/v1/password-reset/confirm", body, content_type="application/json").status_code
        == 200
    )
    assert client_a.get("/api/v1/auth/me", **session).status_code == 401
    login(client_a, member_a.user.email, NEW_PASSWORD)
    again = client_a.post(
        "/api/v1/password-reset/confirm",
        {**body, "new_password": NEW_PASSWORD + "x"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert client_a.get(f"/api/v1/password-reset/validate/{token}").json()["reason"] == "used"


def test_token_expires_after_fifteen_minutes(
    client_a: Client, member_a: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    _request(client_a, member_a.user.email, django_capture_on_commit_callbacks)
    token = _token()
    with time_machine.travel(time.time() + 15 * 60 + 1, tick=False):
        assert client_a.get(f"/api/v1/password-reset/validate/{token}").json()["reason"] == "expired"
        response = client_a.post(
            "/api/v1/password-reset/confirm",
            {"token": token, "new_password": NEW_PASSWORD},
            content_type="application/json",
        )
        assert response.status_code == 400


def test_token_is_stored_hashed(
    client_a: Client, member_a: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    from shared_apps.accounts.models import PasswordResetToken

    _request(client_a, member_a.user.email, django_capture_on_commit_callbacks)
    assert not PasswordResetToken.objects.filter(token_hash=_token()).exists()


def test_token_of_tenant_a_is_invalid_at_tenant_b(
    client_a: Client, client_b: Client, member_a: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    _request(client_a, member_a.user.email, django_capture_on_commit_callbacks)
    assert client_b.get(f"/api/v1/password-reset/validate/{_token()}").json()["valid"] is False


@pytest.mark.parametrize("path", ["/api/v1/password-reset/request", "/api/v1/auth/login"])
def test_a_malformed_email_is_a_422_naming_the_field(client_a: Client, path: str) -> None:
    response = client_a.post(
        path, {"email": "notanemail", "password": "whatever-123"}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "VALIDATION_ERROR"
    assert [error["field"] for error in body["details"]["errors"]] == ["email"]
    assert body["details"]["errors"][0]["type"] == "invalid"
