"""Builds the single JSON error body of the contract for every error path:
`{"error": "<CODE>", "message": "…", "details": {…}, "request_id": "…"}` (details, request_id if any).

Codes are raised in lower case throughout the code base and rendered in upper case, as the predecessor's
clients read them. Messages are French, the language of the product.
"""

from __future__ import annotations

from typing import Any

from django.http import JsonResponse

from .context import request_context


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
