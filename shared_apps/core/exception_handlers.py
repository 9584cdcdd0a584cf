"""Maps domain errors, DRF errors and Django's own to the single JSON error body (one place, one shape).

A body or query that fails a serializer is a 422 `VALIDATION_ERROR` whose `details.errors` lists
`{field, message, type}` per failure (the predecessor's shape); every other status keeps its meaning.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import (
    DATABASE_UNAVAILABLE,
    UNAVAILABLE_CODE,
    UNAVAILABLE_MESSAGE,
    error_body,
    retry_after_header,
)
from .exceptions import ApplicationError

logger = logging.getLogger("massacorp.errors")

VALIDATION_STATUS = 422
VALIDATION_MESSAGE = "La requête est invalide."
SERVER_ERROR_MESSAGE = "Une erreur interne est survenue."

_DRF_CODES = {
    drf.ParseError: "malformed_request",
    drf.AuthenticationFailed: "authentication_failed",
    drf.NotAuthenticated: "not_authenticated",
    drf.PermissionDenied: "permission_denied",
    drf.NotFound: "not_found",
    drf.MethodNotAllowed: "method_not_allowed",
    drf.NotAcceptable: "not_acceptable",
    drf.UnsupportedMediaType: "unsupported_media_type",
    drf.Throttled: "rate_limited",
    drf.ValidationError: "validation_error",
}


def _drf_code(exc: drf.APIException) -> str:
    for cls, code in _DRF_CODES.items():
        if isinstance(exc, cls):
            return code
    return str(exc.default_code)


def validation_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of `{field, message, type}`, fields as dotted paths."""
    if isinstance(detail, dict):
        errors: list[dict[str, str]] = []
        for key, value in detail.items():
            name = "" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            path = ".".join(part for part in (prefix, name) if part)
            errors.extend(validation_errors(value, path))
        return errors
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [_one_error(item, prefix) for item in detail]
        errors = []
        for index, item in enumerate(detail):
            errors.extend(validation_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return errors
    return [_one_error(detail, prefix)]


def _one_error(item: Any, field: str) -> dict[str, str]:
    return {"field": field or "body", "message": str(item), "type": str(getattr(item, "code", "invalid"))}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        response = Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            response["Retry-After"] = str(retry_after)
        return response
    if isinstance(exc, DATABASE_UNAVAILABLE):
        logger.warning("Database unavailable in API view: %s", type(exc).__name__, exc_info=exc)
        return Response(
            error_body(UNAVAILABLE_CODE, UNAVAILABLE_MESSAGE), status=503, headers=retry_after_header()
        )
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        body = error_body("too_many_files", f"At most {limit} files per request.", {"max_files": limit})
        return Response(body, status=400)
    if isinstance(exc, TooManyFieldsSent):
        return Response(error_body("too_many_fields", "The request has too many fields."), status=400)
    if isinstance(exc, SuspiciousOperation):
        return Response(error_body("bad_request", "The request could not be understood."), status=400)
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("payload_too_large", "Le corps de la requête est trop volumineux."), status=413
        )
    if isinstance(exc, DjangoValidationError):
        exc = drf.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied()

    drf_response = drf_exception_handler(exc, context)
    if drf_response is None or not isinstance(exc, drf.APIException):
        # Unexpected: log the traceback, answer without internals.
        logger.exception("Unhandled error in API view", exc_info=exc)
        return Response(error_body("server_error", SERVER_ERROR_MESSAGE), status=500)
    response = drf_response
    if isinstance(exc, drf.ValidationError):
        response.status_code = VALIDATION_STATUS
        response.data = error_body(
            "validation_error", VALIDATION_MESSAGE, {"errors": validation_errors(response.data)}
        )
        return response
    message = str(exc.detail) if not isinstance(exc.detail, dict | list) else "La requête a échoué."
    response.data = error_body(_drf_code(exc), message)
    return response
