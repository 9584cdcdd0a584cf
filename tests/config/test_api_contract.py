"""Every operation of the served OpenAPI, fuzzed by schemathesis as a tenant administrator: no 5xx, answers
that match their documented schema, content type and status code.

Bounded (a few examples per operation, no shrinking) so that the whole walk stays within CI's budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shared_apps.accounts.models import Membership
from tests.conftest import TENANT_A
from tests.factories.access import token_headers
from tests.factories.accounts import _clean_limiter_state, admin_a  # noqa: F401

pytestmark = pytest.mark.django_db

BASE_URL = f"http://{TENANT_A['domain']}"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 8


@pytest.fixture
def api_schema(tenant_a: object, settings: Any) -> Iterator[Any]:
    settings.RATELIMIT_ENABLED = False  # as the predecessor's own test settings: limits are tested elsewhere
    # The WSGI handler closes the connection after each request; the test's transaction needs it open
    # (Django's test client does the same).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/openapi.json", get_wsgi_application(), base_url=BASE_URL)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_honours_its_description(case: Any, admin_a: Membership) -> None:  # noqa: F811
    headers = {key.removeprefix("HTTP_").title(): value for key, value in token_headers(admin_a).items()}
    headers["Accept-Encoding"] = "identity"  # the WSGI transport does not undo gzip
    case.call_and_validate(base_url=BASE_URL, headers=headers, checks=CHECKS)
