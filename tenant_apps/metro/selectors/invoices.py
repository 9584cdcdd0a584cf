"""Invoices (ODS): the paginated list by date and one invoice with its lines."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import F, QuerySet

from shared_apps.core.pagination import Page, paginate

from ..models import Invoice, InvoiceLine, PurchaseFact

# The columns of the invoice listing: what the selector loads is exactly what the API shows.
INVOICE_LIST_FIELDS = (
    "id",
    "number",
    "doc_type",
    "invoice_date",
    "store_name",
    "total_net",
    "total_vat",
    "total_gross",
    "total_due",
    "line_count",
    "imported_at",
)


def invoice_list(
    *,
    page: int,
    per_page: int,
    date_from: date | None = None,
    date_to: date | None = None,
    store_name: str = "",
    doc_type: str = "",
    reconciliation_status: str = "",
) -> Page[dict[str, Any]]:
    """A page of invoices as dicts of INVOICE_LIST_FIELDS, the latest first."""
    invoices = Invoice.objects.values(*INVOICE_LIST_FIELDS)
    if date_from is not None:
        invoices = invoices.filter(invoice_date__gte=date_from)
    if date_to is not None:
        invoices = invoices.filter(invoice_date__lte=date_to)
    if store_name:
        invoices = invoices.filter(store_name=store_name)
    if doc_type:
        invoices = invoices.filter(doc_type=doc_type)
    if reconciliation_status:
        invoices = invoices.filter(reconciliation_status=reconciliation_status)
    return paginate(invoices.order_by("-invoice_date", "-id"), page=page, per_page=per_page)


def invoice_get(*, invoice_id: int) -> Invoice | None:
    return Invoice.objects.select_related("referenced_invoice").filter(pk=invoice_id).first()


def invoice_lines(*, invoice: Invoice) -> QuerySet[InvoiceLine]:
    return (
        InvoiceLine.objects.filter(invoice=invoice)
        .annotate(category_id=F("product__category_id"))
        .order_by("position")
    )


def price_history(*, product_id: int) -> list[dict[str, Any]]:
    """Every purchase of a product (returns and credit notes left out), oldest first, with its invoice's
    id and number. Rows, not model instances: a product bought every few days has hundreds."""
    return list(
        PurchaseFact.objects.filter(product_id=product_id, unit_quantity__gt=0)
        .order_by("purchase_date", "line_id")
        .values("purchase_date", "unit_price", "case_price", "case_quantity", "invoice_id")
        .annotate(invoice_number=F("invoice__number"))
    )


def invoice_stores() -> list[str]:
    """The stores invoices came from, for the list's filter."""
    return list(Invoice.objects.order_by("store_name").values_list("store_name", flat=True).distinct())
