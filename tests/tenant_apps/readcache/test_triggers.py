"""Every business table of a tenant schema says when its data changed (shared_apps.core.data_version): a
table without the trigger would let cached reads miss its writes, so a new table fails here until its
migration adds `data_version.trigger_sql(table)`."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction

from shared_apps.core import data_version
from shared_apps.core.postgresql_backend.base import DatabaseWrapper
from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import Site
from tests.shared_apps.core.test_read_cache import elsewhere

pytestmark = [
    pytest.mark.django_db,
    # A Citus coordinator has no data-changed triggers and no read cache (test_citus.py proves it).
    pytest.mark.skipif(bool(os.environ.get("CITUS_DATABASE_URL")), reason="no read cache on Citus"),
]

# Tenant apps whose tables no cached read shows (identity: sessions and API keys, written at every sign-in).
NOT_READ_BY_CACHED_VIEWS = {"tenant_apps.sessions", "tenant_apps.apikeys"}


def business_tables() -> list[str]:
    tables = []
    for app in settings.TENANT_APPS:
        if app in NOT_READ_BY_CACHED_VIEWS or not app.startswith("tenant_apps."):
            continue
        for model in apps.get_app_config(app.rsplit(".", 1)[-1]).get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                tables.append(model._meta.db_table)
    return sorted(set(tables))


def _triggered_tables(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND t.tgname = %s",
            [schema, data_version.TRIGGER_NAME],
        )
        return {row[0] for row in cursor.fetchall()}


def test_the_business_tables_are_found() -> None:
    assert {"catalog_product", "metro_invoice", "stock_stockmovement", "sales_order"} <= set(
        business_tables()
    )


@pytest.mark.parametrize("schema", ["tenant", "template"])
def test_every_business_table_has_the_data_changed_trigger(tenant_a: Tenant, schema: str) -> None:
    name = tenant_a.schema_name if schema == "tenant" else settings.TENANT_TEMPLATE_SCHEMA
    missing = set(business_tables()) - _triggered_tables(name)
    assert not missing, f"tables without the data_changed trigger in {name}: {sorted(missing)}"


@pytest.mark.parametrize("table", business_tables())
def test_a_committed_statement_on_any_business_table_kills_the_tenant_token(
    tenant_a: Tenant, tenant_b: Tenant, table: str
) -> None:
    token_a = data_version.current(tenant_a.schema_name)
    token_b = data_version.current(tenant_b.schema_name)
    assert token_a is not None, "these tests need REDIS_URL"

    def touch() -> None:
        with connection.cursor() as cursor:  # a statement trigger fires even when no row matches
            cursor.execute(f'DELETE FROM "{table}" WHERE false')  # noqa: S608 - model metadata

    elsewhere(tenant_a, touch)
    assert data_version.current(tenant_a.schema_name) != token_a
    assert data_version.current(tenant_b.schema_name) == token_b


@contextmanager
def told() -> Iterator[list[str]]:
    """The schemas the data-changed notices name, as this thread's connection receives them."""
    connection.ensure_connection()
    raw = connection.connection
    schemas: list[str] = []

    def handle(diagnostic: psycopg.errors.Diagnostic) -> None:
        schema = data_version.schema_from_notice(diagnostic.message_primary or "")
        if schema is not None:
            schemas.append(schema)

    raw.add_notice_handler(handle)
    try:
        yield schemas
    finally:
        raw.remove_notice_handler(handle)


def _write_several_tables(number: int) -> None:
    """Statements on two tables, each kind once, leaving nothing behind (the callers commit)."""
    product = Product.objects.create(natural_key=f"ean:8{number:012d}", article_number="1", designation="T")
    Product.objects.filter(pk=product.pk).update(designation="TT")
    site = Site.objects.create(name=f"Told {number}")
    Product.objects.filter(pk=product.pk).delete()
    Site.objects.filter(pk=site.pk).delete()


def test_a_transaction_tells_its_connection_once_whatever_it_writes(tenant_a: Tenant) -> None:
    token = data_version.current(tenant_a.schema_name)
    schemas: list[str] = []

    def work() -> None:
        with told() as seen, transaction.atomic():
            _write_several_tables(1)
        schemas.extend(seen)

    elsewhere(tenant_a, work)
    assert schemas == [tenant_a.schema_name]
    assert data_version.current(tenant_a.schema_name) != token


def test_every_transaction_tells_again(tenant_a: Tenant) -> None:
    """The note that silences the trigger lives as long as the transaction: the next one, on the same
    connection, must tell again, or its commit would leave the cached answers alive."""
    tokens: list[str | None] = []
    schemas: list[str] = []

    def work() -> None:
        with told() as seen:
            for number in (2, 3):
                tokens.append(data_version.current(tenant_a.schema_name))
                with transaction.atomic():
                    _write_several_tables(number)
                tokens.append(data_version.current(tenant_a.schema_name))
        schemas.extend(seen)

    elsewhere(tenant_a, work)
    assert schemas == [tenant_a.schema_name] * 2
    assert tokens[0] != tokens[1]
    assert tokens[2] != tokens[3]


def test_a_write_after_a_rolled_back_savepoint_is_told(tenant_a: Tenant) -> None:
    token = data_version.current(tenant_a.schema_name)

    class Abandon(Exception):
        pass

    def work() -> None:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    _write_several_tables(4)
                    raise Abandon
            except Abandon:
                pass
            wrapper = connections[DEFAULT_DB_ALIAS]
            assert isinstance(wrapper, DatabaseWrapper)
            wrapper.changed_schemas.clear()  # as if the connection had forgotten the savepoint's notice
            _write_several_tables(5)

    elsewhere(tenant_a, work)
    assert data_version.current(tenant_a.schema_name) != token
