"""Tests that commit for real (outside pytest-django's per-test transaction), as production runs loads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import connection
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant


def tables_truncate(tenant: Tenant, tables: str) -> None:
    with schema_context(tenant.schema_name), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")


def committing(django_db_blocker: Any, *, tables: str) -> Iterator[Tenant]:
    """Tenant A in autocommit for the body of a fixture; `tables` of its schema are emptied after.

    The fixture must also take `django_db_setup`: the test database (and its session tenants) even when
    its tests run alone."""
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="alpha")
        assert connection.get_autocommit()
        try:
            yield tenant
        finally:
            tables_truncate(tenant, tables)
