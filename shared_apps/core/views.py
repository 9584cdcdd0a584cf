"""Django-level error views (outside DRF): the same JSON error body, never an HTML page or internals."""

from __future__ import annotations

import sys

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .errors import DATABASE_UNAVAILABLE, error_response, service_unavailable_response


# Also the catch-all view of unknown /api/ paths: a POST or DELETE there is a 404, not a CSRF refusal.
@csrf_exempt
def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(404, "not_found", "La ressource demandée est introuvable.")


def server_error(request: HttpRequest) -> JsonResponse:
    # Django calls this while handling the exception (in a middleware, routing included, or a view).
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable_response()
    return error_response(500, "server_error", "Une erreur interne est survenue.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(400, "bad_request", "La requête est incompréhensible.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(403, "permission_denied", "Vous n'avez pas la permission d'effectuer cette action.")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(403, "csrf_failed", "La vérification CSRF a échoué.")
