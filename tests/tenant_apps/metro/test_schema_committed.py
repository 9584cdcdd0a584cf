"""Checks of the METRO schema that only a real commit proves: tenant A's rows are committed (and emptied
after), as in production; deferred keys are checked at the commit, where a Citus worker checks them too."""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tenant_apps.metro.models import InvoiceLine, LineKind, PriceHistory, PurchaseFact
from tests.factories.metro import import_samples, in_schema


def _prices() -> set[tuple[Any, ...]]:
    return set(
        PriceHistory.objects.values_list("product__natural_key", "invoice__number", "date", "unit_price")
    )


def test_a_fact_cannot_name_another_invoice_or_product_than_its_line(committing_tenant: Tenant) -> None:
    # The key is deferred to the commit, and a Citus coordinator forwards no SET CONSTRAINTS to the worker
    # that holds the tenant: only a real commit proves the check on both.
    import_samples(committing_tenant, "135_12_329009", "135_12_331840")
    with in_schema(committing_tenant):
        fact = PurchaseFact.objects.select_related("line").first()
        assert fact is not None
        other_invoice = InvoiceLine.objects.exclude(invoice_id=fact.invoice_id).values("invoice_id")[:1]
        other_product = Product.objects.exclude(pk=fact.product_id).first()
        assert other_product is not None
        for change in ({"invoice_id": other_invoice}, {"product_id": other_product.pk}):
            with pytest.raises(DatabaseError, match=r"foreign key|could not commit"), transaction.atomic():
                PurchaseFact.objects.filter(pk=fact.pk).update(**change)
            unchanged = PurchaseFact.objects.get(pk=fact.pk)
            assert (unchanged.invoice_id, unchanged.product_id) == (fact.invoice_id, fact.product_id)


@pytest.mark.skipif(
    bool(os.environ.get("CITUS_DATABASE_URL")),
    reason="on Citus, a migration that writes rows then alters the table in one transaction is refused by "
    "the worker (pending trigger events, SET CONSTRAINTS is not forwarded): the taxonomy migration "
    "cannot be reversed on a populated tenant there",
)
def test_the_schema_migrations_reverse_to_a_price_history_table_with_the_same_rows(
    committing_tenant: Tenant,
) -> None:
    """Back before the view (and before the catalogue took the products over, with their French columns),
    then forward again: the same prices either way.

    The rows are committed first: ALTER TABLE refuses a table with pending key checks, and SET CONSTRAINTS
    would not reach a Citus worker."""
    import_samples(committing_tenant)
    with in_schema(committing_tenant):
        before = _prices()
        facts = PurchaseFact.objects.count()
        lines = InvoiceLine.objects.filter(kind=LineKind.ARTICLE).count()
        executor = MigrationExecutor(connection)
        try:
            executor.migrate([("metro", "0003_fewer_redundant_indexes")])
            with connection.cursor() as cursor:
                cursor.execute("SELECT relkind FROM pg_class WHERE oid = 'metro_pricehistory'::regclass")
                assert cursor.fetchone() == ("r",)
                cursor.execute(
                    "SELECT p.cle, i.numero, h.date, h.prix_unitaire FROM metro_pricehistory h "
                    "JOIN metro_product p ON p.id = h.product_id JOIN metro_invoice i ON i.id = h.invoice_id"
                )
                assert set(cursor.fetchall()) == before
                cursor.execute("SELECT count(DISTINCT id), count(DISTINCT line_id) FROM metro_purchasefact")
                assert cursor.fetchone() == (facts, facts)
        finally:
            # Committed: every app the step back took along (stock, sales…) comes forward for the next tests.
            executor.loader.build_graph()
            executor.migrate(executor.loader.graph.leaf_nodes())
        assert _prices() == before
        assert PurchaseFact.objects.count() == facts == lines
