"""Django-level error views (outside DRF): the same JSON error body, never an HTML page or internals."""

from __future__ import annotations

import sys

from django.http import HttpRequest, JsonResponse

from .errors import DATABASE_UNAVAILABLE, error_response, service_unavailable_response


def not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(404, "not_found", "The requested resource was not found.")


def server_error(request: HttpRequest) -> JsonResponse:
    # Django calls this while handling the exception (in a middleware, routing included, or a view).
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable_response()
    return error_response(500, "server_error", "An internal error occurred.")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(400, "bad_request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return error_response(403, "permission_denied", "You do not have permission to perform this action.")


def csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    return error_response(403, "csrf_failed", "CSRF verification failed.")
