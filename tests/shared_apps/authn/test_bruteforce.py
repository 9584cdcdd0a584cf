"""Brute-force defence with the limiter ON: 429s, CAPTCHA, lock (answered like a bad password), alert."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.audit.models import AuditEvent
from shared_apps.captcha.pow import solve
from tests.factories.accounts import PASSWORD
from tests.support.mail import assert_french

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _limiter_on(settings: Any) -> None:
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_BACKEND = "auto"


def _attempt(client: Client, email: str, password: str, **extra: Any) -> Any:
    return client.post(
        "/api/v1/auth/login", {"email": email, "password": password, **extra}, content_type="application/json"
    )


def _shape(body: Any) -> Any:
    error = {key: value for key, value in body.items() if key != "request_id"}
    error["details"] = {
        key: value
        for key, value in error.get("details", {}).items()
        if key not in {"captcha", "captcha_site_key"}
    }
    return error


def test_sixth_login_of_an_account_in_a_minute_is_429(
    client_a: Client, member_a: Membership, settings: Any
) -> None:
    settings.LOCKOUT_CAPTCHA_AFTER = 100
    for _ in range(5):
        assert _attempt(client_a, member_a.user.email, "wrong password 1").status_code == 401
    response = _attempt(client_a, member_a.user.email, PASSWORD)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"] == "RATE_LIMITED"


def test_global_per_ip_limit_spans_tenants(client_a: Client, client_b: Client, settings: Any) -> None:
    settings.LOGIN_RATE_LIMIT_GLOBAL_PER_IP = 3
    settings.LOCKOUT_CAPTCHA_AFTER = 100
    for index, client in enumerate([client_a, client_b, client_a]):
        assert _attempt(client, f"spray{index}@example.com", "wrong password 1").status_code == 401
    assert _attempt(client_b, "spray9@example.com", "wrong password 1").status_code == 429


def test_lock_after_ten_failures_answers_like_a_bad_password_and_alerts(
    client_a: Client, member_a: Membership, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.LOGIN_RATE_LIMIT_PER_ACCOUNT = 100
    settings.LOCKOUT_CAPTCHA_AFTER = 100
    settings.LOCKOUT_DELAY_AFTER = 100
    email = member_a.user.email
    bad_body = None
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(10):
            response = _attempt(client_a, email, "wrong password 1")
            assert response.status_code == 401
            bad_body = response.json()
    locked = _attempt(client_a, email, PASSWORD)
    assert locked.status_code == 401
    # The lock is not revealed: the same answer as the last bad password (the CAPTCHA challenge is fresh).
    assert _shape(locked.json()) == _shape(bad_body)
    assert AuditEvent.objects.filter(user=member_a.user, event_type="account_locked").count() == 1
    assert [m.to for m in mail.outbox] == [[email]]
    assert "connexion suspendue" in mail.outbox[0].subject
    assert_french(mail.outbox[0])


def test_lock_of_an_unknown_account_looks_the_same(client_a: Client, settings: Any) -> None:
    settings.LOGIN_RATE_LIMIT_PER_ACCOUNT = 100
    settings.LOCKOUT_CAPTCHA_AFTER = 100
    settings.LOCKOUT_DELAY_AFTER = 100
    for _ in range(11):
        response = _attempt(client_a, "ghost@example.com", "wrong password 1")
    assert response.status_code == 401
    assert response.json()["error"] == "INVALID_CREDENTIALS"
    assert not mail.outbox


def test_captcha_is_required_after_failures_and_then_accepted(
    client_a: Client, member_a: Membership, settings: Any
) -> None:
    settings.LOGIN_RATE_LIMIT_PER_ACCOUNT = 100
    settings.LOCKOUT_DELAY_AFTER = 100
    settings.CAPTCHA_POW_DIFFICULTY = 4
    email = member_a.user.email
    for _ in range(3):
        response = _attempt(client_a, email, "wrong password 1")
    details = response.json()["details"]
    assert details["captcha_required"] is True
    assert details["captcha_site_key"]
    # The right password without the CAPTCHA is still refused.
    refused = _attempt(client_a, email, PASSWORD)
    assert refused.status_code == 401
    assert refused.json()["details"]["captcha_required"] is True
    challenge = refused.json()["details"]["captcha"]
    token = f"{challenge['challenge']}.{solve(challenge['challenge'], challenge['difficulty'])}"
    response = _attempt(client_a, email, PASSWORD, captcha_token=token)
    assert response.status_code == 200, response.content
