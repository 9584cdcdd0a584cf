"""Invoices (ODS): the paginated list by date and one invoice with its lines."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import F, QuerySet

from shared_apps.core.pagination import Page, paginate

from ..models import Invoice, InvoiceLine

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
    *, page: int, per_page: int, date_from: date | None = None, date_to: date | None = None
) -> Page[Any]:
    invoices = Invoice.objects.only(*INVOICE_LIST_FIELDS)
    if date_from is not None:
        invoices = invoices.filter(invoice_date__gte=date_from)
    if date_to is not None:
        invoices = invoices.filter(invoice_date__lte=date_to)
    return paginate(invoices.order_by("-invoice_date", "-id"), page=page, per_page=per_page)


def invoice_get(*, invoice_id: int) -> Invoice | None:
    return Invoice.objects.select_related("referenced_invoice").filter(pk=invoice_id).first()


def invoice_lines(*, invoice: Invoice) -> QuerySet[InvoiceLine]:
    return (
        InvoiceLine.objects.filter(invoice=invoice)
        .annotate(category_id=F("product__category_id"))
        .order_by("position")
    )
