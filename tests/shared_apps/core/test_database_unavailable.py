"""While PostgreSQL cannot be reached, every request answers 503 with Retry-After (never a 500) and is
logged, whether it fails while routing (the tenant lookup) or inside a view.

The outage is a connection to a port where nothing listens, which is what Django meets while the server
restarts (connection refused on connect, then OperationalError): the same exception on the same paths.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from shared_apps.tenants.routing import clear_routing_cache
from tests.conftest import TENANT_A

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends: nothing listens there


def _during_outage(request: Callable[[], Any]) -> Any:
    """`request()` in a thread of its own whose database connections go to a closed port (threads get
    their own connections: the test's, inside its transaction, stays as it is)."""
    settings_dict = connections["default"].settings_dict  # the one dict every thread's wrapper reads
    saved = {key: settings_dict.get(key) for key in ("HOST", "PORT")}
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["response"] = request()
        finally:
            connections["default"].close()

    settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    try:
        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=60)
    finally:
        settings_dict.update(saved)
    return result["response"]


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "massacorp.request"]


def _assert_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.content
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"] == "SERVICE_UNAVAILABLE"


def test_routing_without_the_database_is_a_logged_503(caplog: pytest.LogCaptureFixture) -> None:
    clear_routing_cache()
    client = Client(HTTP_HOST=TENANT_A["domain"], raise_request_exception=False)
    with caplog.at_level(logging.INFO, logger="massacorp.request"):
        response = _during_outage(lambda: client.get("/api/v1/info"))
    _assert_unavailable(response)
    assert any(" /api/v1/info 503 " in line for line in _request_lines(caplog))


def test_a_view_losing_the_database_is_a_logged_503(caplog: pytest.LogCaptureFixture) -> None:
    client = Client(HTTP_HOST=TENANT_A["domain"], raise_request_exception=False)
    assert client.get("/api/v1/info").status_code == 200  # the tenant is now in the routing cache
    login = {"email": "a@example.com", "password": "whatever it is"}
    with caplog.at_level(logging.INFO, logger="massacorp.request"):
        response = _during_outage(
            lambda: client.post("/api/v1/auth/login", login, content_type="application/json")
        )
    _assert_unavailable(response)
    assert any(" /api/v1/auth/login 503 " in line for line in _request_lines(caplog))
