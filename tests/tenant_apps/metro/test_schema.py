"""The DWH schema the loader writes: price history read from the facts, facts tied to their lines."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from metro_etl import ArticleLine, reconcile
from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tenant_apps.metro.models import ImportBatch, PriceHistory, PurchaseFact
from tenant_apps.metro.services.loading import invoice_load, load_context_build, product_key
from tests.factories.metro import _cached_parse, import_samples, in_schema, sample_paths

pytestmark = pytest.mark.django_db


def _bought(line: ArticleLine) -> bool:
    """A purchase, not a return: the loader's unit quantity is positive."""
    if line.weight_kg is not None:
        return line.weight_kg * (-1 if line.quantity < 0 else 1) > 0
    return (line.colisage or 1) * line.quantity > 0


def _prices() -> set[tuple[Any, ...]]:
    return set(
        PriceHistory.objects.values_list("product__natural_key", "invoice__number", "date", "unit_price")
    )


def test_price_history_holds_each_price_bought_once_per_product_and_invoice(tenant_a: Tenant) -> None:
    """What the table used to receive: the distinct (product, invoice, date, unit price) of the purchases."""
    import_samples(tenant_a)
    expected = {
        (product_key(line), invoice.number, invoice.invoice_date, line.unit_price)
        for invoice in (_cached_parse(path) for path in sample_paths())
        for line in invoice.lines
        if _bought(line)
    }
    with in_schema(tenant_a):
        rows = list(PriceHistory.objects.values_list("id", "product_id", "invoice_id", "unit_price"))
        assert _prices() == expected
        assert len(rows) == len(expected) > 100
        # The id is the first of the facts bought at that price: the same on every read.
        for point_id, product_id, invoice_id, price in rows[:20]:
            lines = PurchaseFact.objects.filter(
                product_id=product_id, invoice_id=invoice_id, unit_price=price, unit_quantity__gt=0
            ).values_list("line_id", flat=True)
            assert point_id == min(lines)
        product = Product.objects.filter(prices__isnull=False).first()
        assert product is not None
        assert list(product.prices.order_by("date").values_list("unit_price", flat=True))


def test_a_tenants_price_history_reads_its_own_facts_only(tenant_a: Tenant, tenant_b: Tenant) -> None:
    import_samples(tenant_a, "135_12_329009")
    with in_schema(tenant_b):
        assert not PriceHistory.objects.exists()
        # The view (copied from the template into each schema) is bound to the facts of its own schema.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT t.relnamespace::regnamespace::text FROM pg_rewrite r "
                "JOIN pg_depend d ON d.objid = r.oid JOIN pg_class t ON t.oid = d.refobjid "
                "WHERE r.ev_class = 'metro_pricehistory'::regclass AND t.oid <> r.ev_class"
            )
            assert cursor.fetchall() == [(tenant_b.schema_name,)]
    with in_schema(tenant_a):
        assert PriceHistory.objects.exists()


def test_a_load_flags_the_refreshed_products_it_buys_whether_the_batch_knew_them_or_not(
    tenant_a: Tenant,
) -> None:
    """The flag is what a crash before the batch's refresh leaves for the next refresh to find."""
    import_samples(tenant_a, "135_12_329009")  # refreshed: every product's aggregates are current
    parsed = _cached_parse(sample_paths("135_12_331840")[0])
    keys = sorted({product_key(line) for line in parsed.lines})
    with in_schema(tenant_a):
        existing = dict(Product.objects.filter(natural_key__in=keys).values_list("natural_key", "id"))
        assert len(existing) >= 2
        assert not Product.objects.filter(aggregates_fresh=False).exists()
        context = load_context_build()
        known = sorted(existing)[::2]  # the batch holds ids for some; the statement finds the others
        context.product_ids.update({key: existing[key] for key in known})
        outcome = invoice_load(
            parsed=parsed,
            report=reconcile(parsed),
            sha256="f" * 64,
            file_name="x.pdf",
            batch=ImportBatch.objects.create(source="cli"),
            context=context,
        )
        assert outcome.status == "loaded"
        stale = set(Product.objects.filter(aggregates_fresh=False).values_list("natural_key", flat=True))
        assert stale == set(keys)  # the existing ones flagged, the new ones created stale, no other
