"""Error pages of the site (French HTML); the API and the public host keep the one JSON error body."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from shared_apps.core import views as api_errors
from shared_apps.ops.middleware import ADMIN_PATH_PREFIX, NON_PAGE_PREFIXES

TITLES = {
    400: "Demande incorrecte",
    403: "Accès refusé",
    404: "Page introuvable",
    500: "Erreur interne",
}
TEXTS = {
    400: "La demande n'a pas pu être comprise.",
    403: "Vous n'avez pas les droits nécessaires pour afficher cette page.",
    404: "Cette page n'existe pas, ou plus.",
    500: "Une erreur est survenue de notre côté. Réessayez dans un instant.",
}


def is_site_page(request: HttpRequest) -> bool:
    """A page of a tenant's site (not the API, operator routes, assets, the admin's paths, or the public
    host)."""
    path = request.path_info
    return (
        getattr(request, "tenant", None) is not None
        and not path.startswith(NON_PAGE_PREFIXES)
        and not path.startswith(ADMIN_PATH_PREFIX)
    )


def error_page(request: HttpRequest, status: int, message: str | None = None) -> HttpResponse:
    context = {
        "status": status,
        "title": TITLES.get(status, "Erreur"),
        "message": message or TEXTS.get(status, TEXTS[400]),
        "request": request,
    }
    # Rendered without the request's context processors: an error page must not fail in turn.
    html = render_to_string("web/error.html", context)
    return HttpResponse(html, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_site_page(request):
        return error_page(request, 404)
    return api_errors.not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_site_page(request):
        return error_page(request, 403)
    return api_errors.permission_denied(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_site_page(request):
        return error_page(request, 400)
    return api_errors.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_site_page(request):
        return error_page(request, 500)
    return api_errors.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if is_site_page(request):
        return error_page(
            request,
            403,
            "Le formulaire a expiré ou ne vient pas de ce site : rechargez la page et réessayez.",
        )
    return api_errors.csrf_failure(request, reason)
