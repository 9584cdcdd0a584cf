"""The one domain-error hierarchy: services raise these; one handler maps them to the JSON error body."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A failure the client can act on. `code` is stable; `message` is for humans."""

    status_code = 400
    default_code = "bad_request"

    def __init__(
        self, message: str, *, code: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details or {}


class ValidationFailed(ApplicationError):
    status_code = 400
    default_code = "validation_error"


class NotAuthenticated(ApplicationError):
    status_code = 401
    default_code = "not_authenticated"


class PermissionDenied(ApplicationError):
    status_code = 403
    default_code = "permission_denied"


class NotFound(ApplicationError):
    status_code = 404
    default_code = "not_found"


class Conflict(ApplicationError):
    status_code = 409
    default_code = "conflict"


class PayloadTooLarge(ApplicationError):
    status_code = 413
    default_code = "payload_too_large"


class RateLimited(ApplicationError):
    status_code = 429
    default_code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None) -> None:
        super().__init__(message, code=code, details={"retry_after": retry_after})
        self.retry_after = retry_after
