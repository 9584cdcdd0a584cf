"""Fixtures of the stock tests: the METRO sample imported at tenant A, members with tokens."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tests.factories.accounts import _clean_limiter_state  # noqa: F401
from tests.factories.metro import _parse_once_per_session, bearer_for, import_samples  # noqa: F401


@pytest.fixture
def all_imported(tenant_a: Tenant) -> Any:
    return import_samples(tenant_a)


@pytest.fixture
def manager_api_a(tenant_a: Tenant) -> Client:
    return Client(HTTP_HOST="alpha.testserver", **bearer_for(tenant_a, admin=True))


@pytest.fixture
def member_api_a(tenant_a: Tenant) -> Client:
    return Client(HTTP_HOST="alpha.testserver", **bearer_for(tenant_a))


# The sales side: an importer, readers, the real SumUp export.
from tests.factories.accounts import no_ratelimit  # noqa: E402, F401
from tests.factories.sales import admin_b, import_at, reader_a  # noqa: E402, F401
from tests.sumup_etl.conftest import builder, real_export, real_export_path  # noqa: E402, F401
