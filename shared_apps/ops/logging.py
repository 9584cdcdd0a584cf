"""Puts the current request's id on every log record, so one id ties a response to its log lines."""

from __future__ import annotations

import logging

from shared_apps.core.context import request_context


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_context().request_id or "-"
        return True


def install_request_id_filter() -> None:
    request_filter = RequestIdFilter()
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(request_filter)
