"""Turnstile and hCaptcha through a fake siteverify server on loopback, over real HTTP."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.checks import run_checks

from shared_apps.captcha.services import challenge_issue, provider, verify
from tests.support.fake_http import FakeServer, Received, Reply, closed_port_url, fake_http_server

SECRET = "0x-test-secret"
GOOD_TOKEN = "token-solved-by-the-widget"


def _siteverify(request: Received) -> Reply:
    form = urllib.parse.parse_qs(request.body.decode())
    if request.path == "/slow":
        return Reply(200, b'{"success": true}', delay_seconds=3)
    if request.path == "/broken":
        return Reply(500, b"oops")
    if request.path == "/garbage":
        return Reply(200, b"<html>not json</html>")
    ok = form.get("secret") == [SECRET] and form.get("response") == [GOOD_TOKEN]
    answer = {"success": ok, "error-codes": [] if ok else ["invalid-input-response"]}
    return Reply(200, json.dumps(answer).encode(), {"Content-Type": "application/json"})


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with fake_http_server(_siteverify) as running:
        yield running


@pytest.fixture(params=["turnstile", "hcaptcha"])
def third_party(request: pytest.FixtureRequest, settings: Any, server: FakeServer) -> str:
    settings.CAPTCHA_PROVIDER = request.param
    settings.CAPTCHA_SECRET_KEY = SECRET
    settings.CAPTCHA_SITE_KEY = "site-key-123"
    settings.CAPTCHA_VERIFY_URL = server.url + "/siteverify"
    settings.CAPTCHA_TIMEOUT_SECONDS = 0.5
    return str(request.param)


def test_the_widget_site_key_is_issued(third_party: str) -> None:
    assert provider() == third_party
    assert challenge_issue() == {"provider": third_party, "site_key": "site-key-123"}


def test_a_good_token_passes_and_the_secret_ip_and_token_are_posted(
    third_party: str, server: FakeServer
) -> None:
    assert verify(GOOD_TOKEN, remote_ip="203.0.113.9")
    sent = server.received[-1]
    assert sent.method == "POST"
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = urllib.parse.parse_qs(sent.body.decode())
    assert form["secret"] == [SECRET]
    assert form["response"] == [GOOD_TOKEN]
    assert form["remoteip"] == ["203.0.113.9"]
    assert ("sitekey" in form) is (third_party == "hcaptcha")


def test_a_rejected_token_fails(third_party: str) -> None:
    assert not verify("forged-token")


@pytest.mark.parametrize("token", ["", "x" * 5000])
def test_empty_or_oversized_tokens_fail_without_a_call(
    third_party: str, server: FakeServer, token: str
) -> None:
    assert not verify(token)
    assert server.received == []


@pytest.mark.parametrize("path", ["/broken", "/garbage"])
def test_a_provider_error_fails_closed(
    third_party: str, settings: Any, server: FakeServer, path: str
) -> None:
    settings.CAPTCHA_VERIFY_URL = server.url + path
    assert not verify(GOOD_TOKEN)


def test_a_slow_provider_fails_closed_within_the_timeout(
    third_party: str, settings: Any, server: FakeServer
) -> None:
    settings.CAPTCHA_VERIFY_URL = server.url + "/slow"
    started = time.monotonic()
    assert not verify(GOOD_TOKEN)
    assert time.monotonic() - started < 1.5


def test_an_unreachable_provider_fails_closed(third_party: str, settings: Any) -> None:
    settings.CAPTCHA_VERIFY_URL = closed_port_url() + "/siteverify"
    assert not verify(GOOD_TOKEN)


def test_a_provider_without_secret_falls_back_to_pow_with_a_warning(settings: Any) -> None:
    settings.CAPTCHA_PROVIDER = "turnstile"
    settings.CAPTCHA_SECRET_KEY = ""
    assert provider() == "pow"
    assert "captcha.W002" in {message.id for message in run_checks()}
