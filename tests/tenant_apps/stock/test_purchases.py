"""Purchases become stock: one ENTREE per article line, in the invoice's transaction, valued at its cost."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from shared_apps.tenants.models import Tenant
from tenant_apps.metro.models import CustomerAccount, DocType, Invoice, InvoiceLine, LineKind, PurchaseFact
from tenant_apps.metro.services.customers import customer_key
from tenant_apps.stock.models import MovementKind, Site, StockDay, StockMovement
from tenant_apps.stock.selectors import stock_by_product
from tests.factories.metro import import_samples, in_schema

STOCK_DOCUMENTS = (DocType.INVOICE, DocType.CREDIT_NOTE)


def test_the_entries_of_each_invoice_sum_to_its_printed_total_ht_to_the_cent(
    tenant_a: Tenant, all_imported: Any
) -> None:
    with in_schema(tenant_a):
        by_line = dict(InvoiceLine.objects.filter(kind=LineKind.ARTICLE).values_list("id", "invoice_id"))
        sums: dict[int, Decimal] = {}
        for ref, value in StockMovement.objects.values_list("source_ref", "value"):
            invoice_id = by_line[int(ref)]
            sums[invoice_id] = sums.get(invoice_id, Decimal(0)) + value
        invoices = Invoice.objects.filter(doc_type__in=STOCK_DOCUMENTS)
        assert {i.pk: i.total_net for i in invoices if i.line_count} == sums
        assert len(sums) == 34
        assert {i.total_net for i in invoices if not i.line_count} == {0}  # empty invoices: nothing to move
        assert any(total < 0 for total in sums.values())  # the credit note, negative


def test_deposit_refunds_and_down_payments_move_no_stock(tenant_a: Tenant, all_imported: Any) -> None:
    with in_schema(tenant_a):
        others = Invoice.objects.exclude(doc_type__in=STOCK_DOCUMENTS)
        assert others.count() == 4
        lines = InvoiceLine.objects.filter(invoice__in=others).values_list("id", flat=True)
        assert not StockMovement.objects.filter(source_ref__in=[str(i) for i in lines]).exists()


def test_stock_value_equals_the_printed_totals_and_quantities_the_units_bought(
    tenant_a: Tenant, all_imported: Any
) -> None:
    with in_schema(tenant_a):
        printed = Invoice.objects.filter(doc_type__in=STOCK_DOCUMENTS).aggregate(t=Sum("total_net"))["t"]
        stock = stock_by_product()
        assert sum((value for _, value in stock.values()), Decimal(0)) == printed
        bought = dict(
            PurchaseFact.objects.filter(invoice__doc_type__in=STOCK_DOCUMENTS)
            .values("product_id")
            .annotate(units=Sum("unit_quantity"))
            .values_list("product_id", "units")
        )
        assert {product: quantity for product, (quantity, _) in stock.items()} == bought
        assert not StockMovement.objects.filter(valued=False).exists()
        assert set(StockMovement.objects.values_list("kind", flat=True)) == {MovementKind.ENTRY}


def test_reimporting_changes_no_movement_and_no_position(tenant_a: Tenant, all_imported: Any) -> None:
    def state() -> tuple[Any, ...]:
        movements = StockMovement.objects.aggregate(n=Count("id"), v=Sum("value"), q=Sum("quantity"))
        days = StockDay.objects.aggregate(n=Count("id"), v=Sum("value"), q=Sum("quantity"))
        return movements, days, Site.objects.count()

    with in_schema(tenant_a):
        before = state()
    import_samples(tenant_a)
    with in_schema(tenant_a):
        assert state() == before


def test_the_printed_forms_of_one_customer_map_to_one_account_and_site(
    tenant_a: Tenant, all_imported: Any
) -> None:
    assert customer_key("135 00000038 01 4 SC") == customer_key("135 000038 KY") == ("135", 38)
    assert customer_key("garbage") is None
    with in_schema(tenant_a):
        accounts = {(a.store, a.number): a.site_id for a in CustomerAccount.objects.all()}
        assert set(accounts) == {("135", 38), ("135", 712188)}
        assert len(set(accounts.values())) == Site.objects.count() == 2
        per_site = StockMovement.objects.values("site_id").annotate(n=Count("id"))
        assert {row["site_id"] for row in per_site} == set(accounts.values())
