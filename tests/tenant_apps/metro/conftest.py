"""Fixtures of the METRO app tests: members of tenant A with tokens, the sample imported at A."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tests.factories.accounts import _clean_limiter_state  # noqa: F401
from tests.factories.metro import _parse_once_per_session, bearer_for, import_samples, in_schema  # noqa: F401
from tests.metro_etl.conftest import metro_dir
from tests.support.committing import committing


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


# What a committing test leaves in tenant A, emptied after it.
COMMITTED_TABLES = (
    "metro_purchasefact, metro_invoiceline, metro_stageddocument, metro_invoice, "
    "catalog_product, metro_pendingfile, metro_importbatch, metro_customeraccount, "
    "stock_stockmovement, stock_stockday, stock_site"
)


@pytest.fixture
def committing_tenant(django_db_setup: None, django_db_blocker: Any) -> Iterator[Tenant]:
    """Tenant A outside pytest-django's per-test transaction: what a test writes commits for real (as in
    production, and as a Citus worker needs to check a deferred key), and is emptied after."""
    yield from committing(django_db_blocker, tables=COMMITTED_TABLES)
