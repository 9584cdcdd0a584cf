"""The site's sign-in: an HttpOnly, SameSite=Lax cookie whose value opens a row of the sessions table.

The cookie holds the refresh token issued with the session at sign-in (opaque, 256 bits, stored only as
its SHA-256). The site never refreshes it: the session is looked up through it on each page, and its idle
deadline slides as pages are used (sessions.services.session_touch). Because it is an ordinary session,
it is listed by /api/v1/sessions and ended by a sign-out, "sign out everywhere", a password change or
reset, a deactivation, and its idle and absolute timeouts; an ended session has used up its tokens, so the
cookie then opens nothing. Another tenant's schema has no such session, so a cookie is worthless there.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from shared_apps.ops.middleware import NON_PAGE_PREFIXES

from . import identity
from .identity import OpenedSession, Principal

ADMIN_PREFIX = "/admin/"


def cookie_name() -> str:
    return str(settings.WEB_SESSION_COOKIE_NAME)


def cookie_set(response: HttpResponse, opened: OpenedSession) -> None:
    response.set_cookie(
        cookie_name(),
        opened.secret,
        expires=opened.expires_at,
        secure=identity.cookie_secure(),
        httponly=True,
        samesite="Lax",
        path="/",
    )
    response.web_cookie_written = True  # type: ignore[attr-defined]


def cookie_clear(response: HttpResponse) -> None:
    response.delete_cookie(cookie_name(), path="/", samesite="Lax")


def principal_of(request: HttpRequest) -> Principal | None:
    principal = getattr(request, "web_principal", None)
    return principal if isinstance(principal, Principal) else None


def _is_page(request: HttpRequest) -> bool:
    path = request.path_info
    return not path.startswith(NON_PAGE_PREFIXES) and not path.startswith(ADMIN_PREFIX)


class WebSessionMiddleware:
    """Reads the cookie on the tenant's pages (never on the API, which has its own credentials), sets
    `request.web_principal`, drops a cookie that no longer opens a session, and keeps signed-in pages
    out of every cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.web_principal = None  # type: ignore[attr-defined]
        tenant = getattr(request, "tenant", None)
        secret = request.COOKIES.get(cookie_name(), "")
        if tenant is None or not secret or not _is_page(request):
            return self.get_response(request)
        principal = identity.principal_for_cookie(tenant=tenant, secret=secret[:512])
        if principal is not None:
            request.web_principal = principal  # type: ignore[attr-defined]
            request.user = principal.user
        response = self.get_response(request)
        if principal is None and not getattr(response, "web_cookie_written", False):
            cookie_clear(response)
        response["Cache-Control"] = "no-store"
        return response
