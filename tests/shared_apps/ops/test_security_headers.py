"""Security headers on every URL pattern of both URLconfs (and on errors)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from shared_apps.accounts.models import Membership
from tests.conftest import SHARED_HOST, TENANT_A
from tests.factories.accounts import PASSWORD
from tests.urlwalk import routes

pytestmark = pytest.mark.django_db

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
TENANT_ROUTES = routes("config.urls_tenant")
PUBLIC_ROUTES = [r for r in routes("config.urls_public") if not r.name.startswith("admin:")]


def _assert_common_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "X-XSS-Protection" not in headers
    assert headers["X-Frame-Options"] == "DENY"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])
    assert re.fullmatch(r"\d+\.\dms", headers["X-Response-Time"])


@pytest.mark.parametrize("route", TENANT_ROUTES, ids=lambda r: r.name)
def test_every_tenant_route_carries_security_headers(tenant_a: object, route: object) -> None:
    response = Client(HTTP_HOST=TENANT_A["domain"]).get(route.sample_path(), secure=True)  # type: ignore[attr-defined]
    _assert_common_headers(response)
    if route.name == "docs":  # type: ignore[attr-defined]
        return
    if route.name.startswith("web:"):  # type: ignore[attr-defined]
        assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
        return
    assert response["Content-Security-Policy"] == API_CSP


@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=lambda r: r.name)
def test_every_public_route_carries_security_headers(route: object) -> None:
    response = Client(HTTP_HOST=SHARED_HOST).get(route.sample_path(), secure=True)  # type: ignore[attr-defined]
    _assert_common_headers(response)


def test_routing_errors_carry_security_headers_too(db: None) -> None:
    response = Client(HTTP_HOST="nosuch.testserver").get("/api/v1/info", secure=True)
    assert response.status_code == 404
    _assert_common_headers(response)
    assert response["Content-Security-Policy"] == API_CSP


def test_docs_page_policy_allows_only_its_own_nonced_inline_code(client_a: Client) -> None:
    response = client_a.get("/api/docs", secure=True)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce, policy
    assert "unsafe-eval" not in policy
    assert "unsafe-inline" not in policy
    html = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts, "the docs page has its init script inline"
    assert all(f'nonce="{nonce.group(1)}"' in attrs for attrs in inline_scripts)
    # Assets are self-hosted (sidecar), never from a CDN.
    assert not re.search(r"<script[^>]+src=\"https?://", html)


def test_docs_nonce_changes_per_response(client_a: Client) -> None:
    first = client_a.get("/api/docs")["Content-Security-Policy"]
    second = client_a.get("/api/docs")["Content-Security-Policy"]
    assert first != second


@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_X_API_KEY"])
def test_authenticated_requests_are_not_cached(client_a: Client, header: str) -> None:
    response = client_a.get("/api/v1/info", headers={header.removeprefix("HTTP_").replace("_", "-"): "x"})
    assert response["Cache-Control"] == "no-store"


def test_anonymous_public_responses_are_not_marked_no_store(client_a: Client) -> None:
    assert "no-store" not in client_a.get("/api/v1/info").get("Cache-Control", "")


SECRET_ROUTES = [
    "api:auth-login",
    "api:auth-login-mfa",
    "api:auth-refresh",
    "api:auth-register",
    "api:oauth-callback",
    "api:oauth-complete-registration",
    "api:api-keys",
    "api:mfa-setup",
    "api:mfa-enable",
    "api:mfa-recovery-regenerate",
]


@pytest.mark.parametrize("name", SECRET_ROUTES)
def test_every_answer_that_can_carry_a_secret_is_never_cached(client_a: Client, name: str) -> None:
    """Anonymous too: a login answer holds tokens before any Authorization header exists."""
    [route] = [r for r in TENANT_ROUTES if r.name == name]
    response = client_a.post(route.sample_path(), {}, content_type="application/json")
    assert response["Cache-Control"] == "no-store", name
    assert response["Pragma"] == "no-cache", name


def test_a_successful_anonymous_login_is_not_cached(client_a: Client, member_a: Membership) -> None:
    response = client_a.post(
        "/api/v1/auth/login",
        {"email": member_a.user.email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert "access_token" in response.json()
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"
