"""Fixtures of the METRO app tests: members of tenant A with tokens, the sample imported at A."""

from __future__ import annotations

import csv
from typing import Any

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tests.factories.accounts import _clean_limiter_state  # noqa: F401
from tests.factories.metro import _parse_once_per_session, bearer_for, import_samples  # noqa: F401
from tests.metro_etl.conftest import metro_dir


@pytest.fixture
def expected() -> dict[str, dict[str, str]]:
    """expected.csv by invoice number."""
    path = metro_dir() / "expected.csv"
    if not path.is_file():
        pytest.skip(f"METRO sample not found at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["invoice_number"]: row for row in csv.DictReader(handle)}


@pytest.fixture
def all_imported(tenant_a: Tenant) -> Any:
    return import_samples(tenant_a)


@pytest.fixture
def member_headers_a(tenant_a: Tenant) -> dict[str, Any]:
    return bearer_for(tenant_a)


@pytest.fixture
def admin_headers_a(tenant_a: Tenant) -> dict[str, Any]:
    return bearer_for(tenant_a, admin=True)


@pytest.fixture
def api_a(client_a: Client, member_headers_a: dict[str, Any]) -> Client:
    client_a.defaults.update(member_headers_a)
    return client_a


@pytest.fixture
def admin_api_a(tenant_a: Tenant, admin_headers_a: dict[str, Any]) -> Client:
    return Client(HTTP_HOST="alpha.testserver", **admin_headers_a)
