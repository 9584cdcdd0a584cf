"""A usage row per request made with an API key, written after the response has been sent.

ApiKeyAuthentication binds the key's principal to the request context; this middleware, once the view has
answered, attaches a closer to the response. The WSGI/ASGI server calls the response's close() after the
last byte went to the client, and Django runs the closers there (before request_finished and the connection
clean-up), so the write is off the client's clock: one statement on the still-open connection, which
inserts the usage row and moves `last_used_at` forward (at most once a minute, to spare the key row
needless updates). Table names are schema-qualified, so the write does not depend on the connection's
search_path at that point. A failed write is logged and never turns a served request into an error.

The cost that remains is on the worker, between two requests; scripts/bench/bench_apikey_usage.py measures
both the client-visible latency and the full cost against a JWT request of the same view.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from shared_apps.core.net import client_ip
from shared_apps.rbac.principal import current_principal_or_none

from .models import ApiKey, ApiKeyUsage

logger = logging.getLogger(__name__)
LAST_USED_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class UsageRecord:
    schema_name: str
    key_id: Any
    at: datetime
    endpoint: str
    method: str
    status_code: int
    ip: str | None
    latency_ms: float


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _sql(schema_name: str) -> str:
    quote = connection.ops.quote_name
    keys = f"{quote(schema_name)}.{quote(ApiKey._meta.db_table)}"
    usage = f"{quote(schema_name)}.{quote(ApiKeyUsage._meta.db_table)}"
    # Identifiers only come from the model and the tenant's schema name, quoted; values are parameters.
    return (
        f"WITH touched AS (UPDATE {keys} SET last_used_at = %s WHERE id = %s "  # noqa: S608
        f"AND (last_used_at IS NULL OR last_used_at < %s) RETURNING 1) "
        f"INSERT INTO {usage} (key_id, created_at, endpoint, method, status_code, ip, latency_ms) "
        f"VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )


def usage_write(record: UsageRecord) -> None:
    """One round trip: the usage row and last_used_at."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                _sql(record.schema_name),
                [
                    record.at,
                    record.key_id,
                    record.at - LAST_USED_RESOLUTION,
                    record.key_id,
                    record.at,
                    record.endpoint[:128],
                    record.method[:8],
                    record.status_code,
                    record.ip,
                    record.latency_ms,
                ],
            )
    except Exception:  # the response is gone already: log, never raise
        logger.exception("could not record API key usage for %s", record.key_id)


class ApiKeyUsageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        # The principal the view's authentication bound to this request's context (still bound here).
        principal = current_principal_or_none()
        if principal is not None and principal.api_key is not None:
            match = getattr(request, "resolver_match", None)
            record = UsageRecord(
                schema_name=principal.tenant.schema_name,
                key_id=principal.api_key.key_id,
                at=timezone.now(),
                endpoint=(match.view_name if match else request.path_info)[:128],
                method=request.method or "",
                status_code=response.status_code,
                ip=_valid_ip(client_ip(request)),
                latency_ms=round((time.perf_counter() - started) * 1000, 3),
            )
            # response.close(), called by the server once the body is sent, runs these (the hook Django
            # itself uses to close file responses).
            response._resource_closers.append(lambda: usage_write(record))  # type: ignore[attr-defined]
        return response
