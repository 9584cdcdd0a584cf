"""Puts the current request's id, tenant and user on every log record, so that one id ties a response to
its log lines and each line says whose work it was (the formatter, JSON by default, writes them)."""

from __future__ import annotations

import logging

from django.db import connection

from shared_apps.core.context import request_context


def _tenant() -> str:
    # The schema the work runs in: set by the routing middleware, a job's schema_context or a command.
    tenant = getattr(connection, "tenant", None)
    return str(getattr(tenant, "slug", None) or getattr(connection, "schema_name", None) or "-")


def _user() -> str:
    user = getattr(request_context().principal, "user", None)
    return str(getattr(user, "pk", None) or "-")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_context().request_id or "-"
        record.tenant = _tenant()
        record.user = _user()
        return True


def install_request_id_filter() -> None:
    request_filter = RequestIdFilter()
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(request_filter)
