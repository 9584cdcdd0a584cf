"""Spend statistics: totals over the invoices as printed, the catalogue's spend by category and VAT rate."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import Coalesce, TruncMonth

from tenant_apps.catalog.selectors import (
    product_count,
    product_count_by_category,
    product_top,
    spend_by_category,
    spend_by_vat_rate,
)

from ..models import CustomerAccount, Invoice, PriceHistory

ZERO = Decimal("0.00")


def summary() -> dict[str, Any]:
    """Totals as printed (credit notes count negative), article lines only."""
    totals = Invoice.objects.aggregate(
        invoice_count=Count("id"),
        line_count=Coalesce(Sum("line_count"), 0),
        total_net=Coalesce(Sum("total_net"), ZERO),
        total_vat=Coalesce(Sum("total_vat"), ZERO),
        total_gross=Coalesce(Sum("total_gross"), ZERO),
        first_invoice_date=Min("invoice_date"),
        last_invoice_date=Max("invoice_date"),
    )
    return {**totals, "product_count": product_count()}


def dashboard(*, top: int = 10) -> dict[str, Any]:
    return {
        "summary": summary(),
        "categories": spend_by_category(),
        "vat_rates": spend_by_vat_rate(),
        "top_products": product_top(limit=top),
    }


def spend_by_month(*, start: date | None = None, end: date | None = None) -> list[dict[str, Any]]:
    """Totals as printed per month of the invoice date (credit notes count negative), of the invoices
    dated from `start` to `end` inclusive when given."""
    invoices = Invoice.objects.all()
    if start is not None:
        invoices = invoices.filter(invoice_date__gte=start)
    if end is not None:
        invoices = invoices.filter(invoice_date__lte=end)
    rows = (
        invoices.annotate(month=TruncMonth("invoice_date"))
        .values("month")
        .annotate(
            invoice_count=Count("id"),
            total_net=Coalesce(Sum("total_net"), ZERO),
            total_vat=Coalesce(Sum("total_vat"), ZERO),
            total_gross=Coalesce(Sum("total_gross"), ZERO),
        )
        .order_by("month")
    )
    return list(rows)


def price_points(*, product_id: int) -> list[PriceHistory]:
    """The unit prices a product was bought at, oldest first."""
    return list(PriceHistory.objects.filter(product_id=product_id).order_by("date", "id"))


__all__ = [
    "customer_spend",
    "dashboard",
    "price_points",
    "product_count_by_category",
    "spend_by_category",
    "spend_by_month",
    "spend_by_vat_rate",
    "summary",
]


def customer_spend() -> list[dict[str, Any]]:
    """Per METRO customer account: its site, the invoices and what they total (credit notes negative)."""
    rows = (
        CustomerAccount.objects.select_related("site")
        .annotate(
            invoice_count=Count("invoices"),
            total_net=Coalesce(Sum("invoices__total_net"), ZERO),
            total_gross=Coalesce(Sum("invoices__total_gross"), ZERO),
            first_invoice_date=Min("invoices__invoice_date"),
            last_invoice_date=Max("invoices__invoice_date"),
        )
        .order_by("-total_net", "id")
    )
    return [
        {
            "customer": row,
            "site_name": row.site.name,
            **{k: getattr(row, k) for k in ("invoice_count", "total_net", "total_gross")},
            **{k: getattr(row, k) for k in ("first_invoice_date", "last_invoice_date")},
        }
        for row in rows
    ]
