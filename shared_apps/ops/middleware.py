"""Edge concerns of every response: request id and timing (with the log line), body size, security headers."""

from __future__ import annotations

import logging
import re
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from shared_apps.core.context import context_bind
from shared_apps.core.errors import error_response
from shared_apps.core.net import client_ip, peer_is_trusted_proxy

logger = logging.getLogger("massacorp.request")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)
DOCS_PATH_PREFIX = "/api/docs"
API_PATH_PREFIX = "/api/"
ADMIN_PATH_PREFIX = "/admin/"
# Django's admin posts forms to itself and sets inline style attributes.
ADMIN_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


# Paths that are not pages of a site: the API, the operator routes and the static assets.
NON_PAGE_PREFIXES = ("/api/", "/openapi.json", "/static/", "/health", "/ready", "/metrics")


def web_csp(nonce: str) -> str:
    """The tenant's site: scripts from us or with this response's nonce, styles only from our files (no
    inline style attribute or element; scripts may still set styles through the CSSOM), no framing."""
    return (
        f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self'; manifest-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )


def docs_csp(nonce: str) -> str:
    """The docs page runs self-hosted Swagger UI: scripts only from us or with this response's nonce."""
    return (
        f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


class RequestContextMiddleware:
    """X-Request-ID (a trusted proxy's, else ours), X-Response-Time, and one log line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        if incoming and peer_is_trusted_proxy(request) and _SAFE_REQUEST_ID.match(incoming):
            request_id = incoming
        else:
            request_id = uuid.uuid4().hex
        user_agent = request.META.get("HTTP_USER_AGENT", "")
        with context_bind(ip=client_ip(request), user_agent=user_agent, request_id=request_id):
            response = self.get_response(request)
            elapsed_ms = (time.perf_counter() - started) * 1000
            response["X-Request-ID"] = request_id
            response["X-Response-Time"] = f"{elapsed_ms:.1f}ms"
            # Inside the context: the line carries the request's id and its user, like the others.
            self._log(request, response, elapsed_ms, request_id)
        return response

    @staticmethod
    def _log(request: HttpRequest, response: HttpResponse, elapsed_ms: float, request_id: str) -> None:
        tenant = getattr(request, "tenant", None)
        slow = elapsed_ms >= settings.SLOW_REQUEST_MS
        logger.log(
            logging.WARNING if slow else logging.INFO,
            "%s %s %s %.1fms tenant=%s request_id=%s%s",
            request.method,
            request.path,
            response.status_code,
            elapsed_ms,
            getattr(tenant, "slug", "-"),
            request_id,
            " slow" if slow else "",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(elapsed_ms, 1),
            },
        )


class BodySizeLimitMiddleware:
    """413 before a view reads an oversized body; a view may raise its ceiling with `max_body_bytes`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return error_response(400, "bad_request", "L'en-tête Content-Length n'est pas un nombre.")
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        limit = getattr(view_class, "max_body_bytes", settings.MAX_REQUEST_BODY_BYTES)
        if length > limit:
            return error_response(
                413, "payload_too_large", "Le corps de la requête est trop volumineux.", {"max_bytes": limit}
            )
        return None


class ApiTrailingSlashMiddleware:
    """`/api/…/` answers as `/api/…`: the trailing slash is dropped before URL resolution, for every method
    and without a redirect (which would lose a POST body). Runs first, so routing sees the canonical path."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith(API_PATH_PREFIX) and len(path) > len(API_PATH_PREFIX) and path.endswith("/"):
            request.path_info = path.rstrip("/") or "/"
            request.path = request.path[: len(request.path) - len(path)] + request.path_info
        return self.get_response(request)


def _carries_secret(request: HttpRequest) -> bool:
    """Whether the view that answered declares that its responses carry a token, key or secret."""
    match = getattr(request, "resolver_match", None)
    view = getattr(match, "func", None)
    view_class = getattr(view, "cls", None) or getattr(view, "view_class", None)
    return bool(getattr(view_class, "carries_secret", False))


def _is_authenticated_request(request: HttpRequest) -> bool:
    if "HTTP_AUTHORIZATION" in request.META or "HTTP_X_API_KEY" in request.META:
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _csp_kind(path: str) -> str:
    if path.startswith(DOCS_PATH_PREFIX):
        return "docs"
    if path.startswith(ADMIN_PATH_PREFIX):
        return "admin"
    if path.startswith(NON_PAGE_PREFIXES):
        return "api"
    return "web"


class SecurityHeadersMiddleware:
    """CSP (strict for the API, nonce-based for the docs page and the site), Permissions-Policy, no-store
    if authenticated.

    HSTS, nosniff, Referrer-Policy and COOP come from Django's SecurityMiddleware (settings).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only pages (the docs, the site) may carry a nonced script, so only they get a nonce (none spent
        # on API requests).
        kind = _csp_kind(request.path_info)
        if kind in ("docs", "web"):
            request.csp_nonce = secrets.token_urlsafe(16)  # type: ignore[attr-defined]
        response = self.get_response(request)
        if kind == "docs":
            response["Content-Security-Policy"] = docs_csp(request.csp_nonce)  # type: ignore[attr-defined]
        elif kind == "web":
            response["Content-Security-Policy"] = web_csp(request.csp_nonce)  # type: ignore[attr-defined]
        elif kind == "admin":
            response["Content-Security-Policy"] = ADMIN_CSP
        else:
            response["Content-Security-Policy"] = API_CSP
        response["Permissions-Policy"] = PERMISSIONS_POLICY
        response["Cross-Origin-Resource-Policy"] = "same-origin"
        if _is_authenticated_request(request) or _carries_secret(request):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
