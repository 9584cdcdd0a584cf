"""Brute force: 1,000 guesses at one account's second factor, with the real limiter and lockout.

The per-user limit is 5 code checks per window (60 s in production; 3 s here so that the test waits two
windows rather than two minutes, the only setting changed: six requests fit in one such window even on a
loaded machine, where a 1 s window let the limiter go unseen) and the 10th consecutive failure locks the
factor. Each guess is a real HTTP request. Guesses refused by the limiter wait for its Retry-After, as a
patient attacker would; the correct code is among the later guesses and is refused: the lock holds.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.audit.models import AuditEvent
from tests.factories.accounts import bearer, login
from tests.factories.mfa import code_for, give_mfa, login_mfa, post
from tests.support.mail import assert_french

pytestmark = pytest.mark.django_db
GUESSES = 1000


@pytest.fixture
def short_window(settings: Any) -> None:
    settings.MFA_RATE_LIMIT_WINDOW_SECONDS = 3
    assert settings.MFA_RATE_LIMIT_PER_USER == 5
    assert settings.MFA_LOCK_AFTER == 10


def _guesses(valid: set[str]) -> list[str]:
    """1,000 guesses: wrong ones, with the right code slipped in at 100th, 500th and last place (after
    the lock: within its first 10 tries an attacker has 20 chances in a million, which no lock prevents)."""
    wrong = (f"{n:06d}" for n in range(10**6) if f"{n:06d}" not in valid)
    guesses = [next(wrong) for _ in range(GUESSES)]
    for index in (99, 499, GUESSES - 1):
        guesses[index] = sorted(valid)[0]
    return guesses


def _attack(client: Client, path: str, body_for: Any, guesses: list[str], **headers: Any) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    for guess in guesses:
        response = post(client, path, body_for(guess), **headers)
        assert response.status_code != 500, response.content
        ok = response.status_code == 200 and response.json().get("valid", True)
        assert not ok, f"guess {guess} succeeded"
        code = "success" if ok else (str(response.json().get("error", "")).lower() or "valid_false")
        outcomes[code] = outcomes.get(code, 0) + 1
        if code == "rate_limited":
            time.sleep(int(response["Retry-After"]))
    return outcomes


def test_1000_guesses_at_login_never_succeed_and_lock_within_10_tries(
    client_a: Client,
    member_a: Membership,
    short_window: None,
    clock: time_machine.Traveller,
    django_capture_on_commit_callbacks: Any,
) -> None:
    kit = give_mfa(member_a.user)
    user = member_a.user
    valid = {code_for(kit.secret), code_for(kit.secret, steps=-1)}
    token = login(client_a, user.email)["mfa_session_token"]
    mail.outbox.clear()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = _attack(
            client_a,
            "/api/v1/auth/login/mfa",
            lambda guess: {"mfa_session_token": token, "totp_code": guess},
            _guesses(valid),
        )
    # Exactly 10 codes were evaluated (all wrong), then the factor locked and the login challenge died.
    assert AuditEvent.objects.filter(user=user, event_type="mfa_code_failed").count() == 10
    assert AuditEvent.objects.filter(user=user, event_type="mfa_locked").count() == 1
    assert outcomes["invalid_mfa_code"] == 9
    assert outcomes["mfa_locked"] == 1  # the 10th failure answers with the lock itself
    assert outcomes.get("rate_limited", 0) >= 1, "the limiter engaged"
    assert outcomes["invalid_mfa_session"] == GUESSES - 10 - outcomes["rate_limited"]
    assert not AuditEvent.objects.filter(user=user, event_type="login_succeeded").exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "bloqué" in mail.outbox[0].subject
    assert_french(mail.outbox[0])
    # A fresh login with the password and the right code is still refused while the lock lasts.
    fresh = login(client_a, user.email)["mfa_session_token"]
    response = post(
        client_a, "/api/v1/auth/login/mfa", {"mfa_session_token": fresh, "totp_code": sorted(valid)[0]}
    )
    assert response.status_code == 429
    assert response.json()["error"] == "MFA_LOCKED"
    assert int(response["Retry-After"]) > 0
    assert time.monotonic() - started < 60


def test_1000_guesses_at_verify_never_succeed_and_lock_within_10_tries(
    client_a: Client, member_a: Membership, short_window: None, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret, steps=-1)))
    valid = {code_for(kit.secret)}
    outcomes = _attack(
        client_a, "/api/v1/mfa/verify", lambda guess: {"code": guess}, _guesses(valid), **headers
    )
    assert outcomes["valid_false"] == 9  # the 10th failure answers with the lock itself
    assert outcomes["mfa_locked"] == GUESSES - 9 - outcomes["rate_limited"]
    assert AuditEvent.objects.filter(user=member_a.user, event_type="mfa_code_failed").count() == 10


def test_the_limit_is_shared_by_every_code_endpoint(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret, steps=-1)))
    paths = ["/api/v1/mfa/verify", "/api/v1/mfa/recovery/verify"] * 2 + ["/api/v1/mfa/recovery/regenerate"]
    statuses = [post(client_a, path, {"code": "not-the-code"}, **headers).status_code for path in paths]
    # One check was spent by the login itself: 4 more pass the limiter, then 429 on every endpoint.
    assert statuses == [200, 200, 200, 200, 429]
    blocked = post(client_a, "/api/v1/mfa/verify", {"code": code_for(kit.secret)}, **headers)
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "RATE_LIMITED"


def test_a_success_resets_the_consecutive_failures(
    client_a: Client, member_a: Membership, settings: Any, clock: time_machine.Traveller
) -> None:
    settings.MFA_RATE_LIMIT_PER_USER = 100
    kit = give_mfa(member_a.user)
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret, steps=-1)))
    for _ in range(9):
        assert post(client_a, "/api/v1/mfa/verify", {"code": "abcdef"}, **headers).json()["valid"] is False
    assert (
        post(client_a, "/api/v1/mfa/verify", {"code": code_for(kit.secret)}, **headers).json()["valid"]
        is True
    )
    for _ in range(9):
        assert post(client_a, "/api/v1/mfa/verify", {"code": "abcdef"}, **headers).json()["valid"] is False
    assert not AuditEvent.objects.filter(user=member_a.user, event_type="mfa_locked").exists()
