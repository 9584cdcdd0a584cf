"""Every operation of the served OpenAPI, fuzzed by schemathesis as a tenant administrator: no 5xx, answers
that match their documented schema, content type and status code; then the resources one can create,
followed through the description's links (create, then read, change, delete).

Bounded (a few examples per operation, few short scenarios, no shrinking) so that the whole walk stays
within CI's budget.
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
    ensure_resource_availability,
    response_schema_conformance,
    status_code_conformance,
    use_after_free,
)

from shared_apps.accounts.models import Membership
from tests.conftest import TENANT_A
from tests.factories.access import token_headers
from tests.factories.accounts import _clean_limiter_state, admin_a  # noqa: F401

pytestmark = pytest.mark.django_db

BASE_URL = f"http://{TENANT_A['domain']}"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 8
# The collections whose POST links to the operations on what it created (response_links in the views).
LINKED = (
    r"^/api/v1/(api-keys|users|roles|sites|plats)"
    r"(/\{[a-z_]+\}(/(activate|deactivate|verify|roles|ingredients))?)?$"
)
SCENARIOS, STEPS = 12, 6


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


def _headers(member: Membership) -> dict[str, str]:
    headers = {key.removeprefix("HTTP_").title(): value for key, value in token_headers(member).items()}
    headers["Accept-Encoding"] = "identity"  # the WSGI transport does not undo gzip
    return headers


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_honours_its_description(case: Any, admin_a: Membership) -> None:  # noqa: F811
    case.call_and_validate(base_url=BASE_URL, headers=_headers(admin_a), checks=CHECKS)


def test_what_one_creates_can_be_read_changed_and_deleted_through_the_links(
    api_schema: Any,
    admin_a: Membership,  # noqa: F811
) -> None:
    headers = _headers(admin_a)
    linked = api_schema.include(path_regex=LINKED)
    assert linked.statistic.transitions.total >= 19  # the links of the five collections

    answered: list[tuple[str, str, int]] = []

    class Scenario(linked.as_state_machine()):  # type: ignore[misc]
        def after_call(self, response: Any, case: Any) -> None:
            answered.append((case.method, case.path, response.status_code))

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": BASE_URL, "headers": headers}

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            stateful = [use_after_free, ensure_resource_availability]
            case.validate_response(response, checks=[*CHECKS, *stateful], headers=headers)

    Scenario.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS,
            deadline=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    # Something was created, then reached through a link (not only refused with 422s). How many links a run
    # gets through depends on what the database already holds (a generated e-mail may be taken): at least one.
    followed = {(method, path) for method, path, status in answered if "{" in path and status < 300}
    assert any(status == 201 for _, _, status in answered)
    assert followed
