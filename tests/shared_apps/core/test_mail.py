"""Mail goes through a background task with retries: a failing mail server never fails a request, and the
answer is the same whether or not a mail was (or could be) sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.core.mail import mail_enqueue
from tests.factories.accounts import _clean_limiter_state, member_a  # noqa: F401
from tests.support.smtp_refusing import RefusingSmtp, refusing_smtp_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing_mail_server(settings: Any) -> Iterator[RefusingSmtp]:
    with refusing_smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 2
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        yield server


def test_a_failing_mail_server_is_retried_then_given_up_without_raising(
    failing_mail_server: RefusingSmtp, settings: Any
) -> None:
    # The test settings run tasks at once: each retry is queued, hence run, straight away.
    settings.MAIL_MAX_ATTEMPTS = 3
    mail_enqueue(subject="hello", message="body", to=["someone@example.com"])
    assert failing_mail_server.connections == 3


def _login(client: Client, email: str) -> Any:
    return client.post(
        "/api/v1/auth/login",
        {"email": email, "password": "wrong password 1"},
        content_type="application/json",
    )


def _without_challenge(body: Any) -> Any:
    answer = {k: v for k, v in body.items() if k != "request_id"}
    details = answer.get("details") or {}
    answer["details"] = {k: v for k, v in details.items() if k not in {"captcha", "captcha_site_key"}}
    return answer


def test_the_attempt_that_starts_a_lock_answers_alike_when_the_lock_mail_fails(
    client_a: Client,
    member_a: Membership,  # noqa: F811
    settings: Any,
    failing_mail_server: RefusingSmtp,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.RATELIMIT_ENABLED = True
    settings.LOGIN_RATE_LIMIT_PER_ACCOUNT = settings.LOGIN_RATE_LIMIT_PER_IP = 100
    settings.LOCKOUT_CAPTCHA_AFTER = settings.LOCKOUT_DELAY_AFTER = 100
    answers = {}
    for email in (member_a.user.email, "ghost@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(settings.LOCKOUT_LOCK_AFTER):
                response = _login(client_a, email)
        answers[email] = (response.status_code, _without_challenge(response.json()))
    assert failing_mail_server.connections > 0  # the alert mail was tried, for the member only
    assert answers[member_a.user.email] == answers["ghost@example.com"]
    assert answers["ghost@example.com"][0] == 401


def test_a_password_reset_answers_alike_when_the_mail_fails(
    client_a: Client,
    member_a: Membership,  # noqa: F811
    failing_mail_server: RefusingSmtp,
    django_capture_on_commit_callbacks: Any,
) -> None:
    answers = []
    for email in (member_a.user.email, "ghost@example.com"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client_a.post(
                "/api/v1/password-reset/request", {"email": email}, content_type="application/json"
            )
        answers.append((response.status_code, response.content))
    assert failing_mail_server.connections > 0
    assert answers[0] == answers[1]
    assert answers[0][0] < 300
