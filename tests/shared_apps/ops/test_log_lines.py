"""Logs are JSON lines: a value a client controls (here a path with a newline) stays inside its field, and
every line carries the request id, the tenant and the user."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.ops.logging import RequestIdFilter
from tests.factories.accounts import _clean_limiter_state, bearer, login, member_a  # noqa: F401

pytestmark = pytest.mark.django_db

FORGED = '{"time": "2026-01-01", "level": "INFO", "logger": "massacorp.request", "message": "forged"}'


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the project's console handler would write, captured: its formatter and filters."""
    console = next(
        h for h in logging.getLogger().handlers if any(isinstance(f, RequestIdFilter) for f in h.filters)
    )
    stream = io.StringIO()
    capture = logging.StreamHandler(stream)
    capture.setFormatter(console.formatter)
    for log_filter in console.filters:
        capture.addFilter(log_filter)
    logging.getLogger().addHandler(capture)
    try:
        yield stream
    finally:
        logging.getLogger().removeHandler(capture)


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    lines = stream.getvalue().splitlines()
    assert lines
    return [json.loads(line) for line in lines]  # every line is one whole JSON object


def test_a_newline_in_the_path_cannot_forge_a_log_line(client_a: Client, log_output: io.StringIO) -> None:
    response = client_a.get("/api/v1/password-reset/validate/x%0A" + FORGED)
    assert response.status_code < 500
    records = _records(log_output)
    assert all(record["message"] != "forged" for record in records)
    request_line = next(r for r in records if r["logger"] == "massacorp.request")
    assert request_line["path"] == "/api/v1/password-reset/validate/x\n" + FORGED
    assert request_line["request_id"] == response["X-Request-ID"]
    assert request_line["tenant"] == "alpha"


def test_each_line_names_the_user_of_the_request(
    client_a: Client,
    member_a: Membership,  # noqa: F811
    log_output: io.StringIO,
) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    log_output.truncate(0)
    log_output.seek(0)
    response = client_a.get("/api/v1/auth/me", **headers)
    assert response.status_code == 200
    request_line = next(r for r in _records(log_output) if r["logger"] == "massacorp.request")
    assert request_line["user"] == str(member_a.user.pk)
    assert request_line["status"] == 200
