"""Fixtures of the sales tests: the real SumUp export (parsed once), members of A with tokens, a loader."""

from __future__ import annotations

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tests.factories.accounts import _clean_limiter_state, no_ratelimit  # noqa: F401
from tests.factories.metro import bearer_for
from tests.factories.sales import Importer, admin_b, import_at, reader_a  # noqa: F401
from tests.sumup_etl.conftest import builder, real_export, real_export_path  # noqa: F401

__all__ = ["Importer"]


@pytest.fixture
def admin_api_a(tenant_a: Tenant) -> Client:
    return Client(HTTP_HOST="alpha.testserver", **bearer_for(tenant_a, admin=True))
