"""Spend statistics: totals over the invoices as printed, the catalogue's spend by category and VAT rate."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import Coalesce

from tenant_apps.catalog.selectors import (
    product_count,
    product_count_by_category,
    product_top,
    spend_by_category,
    spend_by_vat_rate,
)

from ..models import CustomerAccount, Invoice

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


__all__ = [
    "customer_spend",
    "dashboard",
    "product_count_by_category",
    "spend_by_category",
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
