"""Builds the single JSON error body of the contract for every error path:
`{"error": "<CODE>", "message": "…", "details": {…}, "request_id": "…"}` (details, request_id if any).

Codes are raised in lower case throughout the code base and rendered in upper case, as the predecessor's
clients read them. Messages are French, the language of the product.
"""

from __future__ import annotations

from typing import Any

import psycopg
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse

from .context import request_context

# What the database driver raises while PostgreSQL restarts, fails over or refuses connections: a
# temporary condition (503, retry), not a bug (500). psycopg's own: the rate limiter's direct connection.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, psycopg.OperationalError, psycopg.InterfaceError)


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"error": code.upper(), "message": message}
    if details:
        body["details"] = details
    request_id = request_context().request_id
    if request_id:
        body["request_id"] = request_id
    return body


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JsonResponse:
    return JsonResponse(error_body(code, message, details), status=status)


UNAVAILABLE_CODE = "service_unavailable"
UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Try again shortly."


def retry_after_header() -> dict[str, str]:
    return {"Retry-After": str(settings.SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS)}


def service_unavailable_response() -> JsonResponse:
    """503 with Retry-After: the database cannot be reached for now."""
    response = error_response(503, UNAVAILABLE_CODE, UNAVAILABLE_MESSAGE)
    for name, value in retry_after_header().items():
        response[name] = value
    return response
