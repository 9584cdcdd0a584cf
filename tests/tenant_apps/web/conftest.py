"""Fixtures of the site's tests: browsers (Django clients) on tenant A's host, signed in through the form."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from shared_apps.accounts.models import Membership
from tests.factories.accounts import PASSWORD, _clean_limiter_state, admin_a, member_a, no_ratelimit  # noqa: F401
from tests.factories.metro import _parse_once_per_session  # noqa: F401

HOST_A = "alpha.testserver"
HOST_B = "beta.testserver"


def browser(host: str = HOST_A, *, csrf: bool = False) -> Client:
    return Client(
        HTTP_HOST=host, enforce_csrf_checks=csrf, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux) Firefox/130"
    )


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: Any) -> Any:
    """POST the sign-in form; the response (a redirect with the cookie on success)."""
    return client.post("/connexion", {"email": email, "password": password, **extra})


def session_cookie(client: Client) -> str:
    morsel = client.cookies.get(settings.WEB_SESSION_COOKIE_NAME)
    return morsel.value if morsel is not None else ""


@pytest.fixture
def member_browser(member_a: Membership) -> Client:  # noqa: F811
    client = browser()
    response = sign_in(client, member_a.user.email)
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def admin_browser(admin_a: Membership) -> Client:  # noqa: F811
    client = browser()
    response = sign_in(client, admin_a.user.email)
    assert response.status_code == 302, response.content
    return client


def text(response: Any) -> str:
    """The page's text with HTML entities decoded (Django escapes the apostrophes of French)."""
    return html.unescape(response.content.decode())
