"""Reads of the METRO app."""

from .invoices import invoice_get, invoice_lines, invoice_list, invoice_stores
from .jobs import batch_get, batch_status
from .products import Page, product_get, product_get_by_ean, product_list
from .stats import (
    category_counts,
    dashboard,
    price_history,
    spend_by_month,
    stats_categories,
    stats_tva,
    summary,
)

__all__ = [
    "Page",
    "batch_get",
    "batch_status",
    "category_counts",
    "dashboard",
    "invoice_get",
    "invoice_lines",
    "invoice_list",
    "invoice_stores",
    "price_history",
    "product_get",
    "product_get_by_ean",
    "product_list",
    "spend_by_month",
    "stats_categories",
    "stats_tva",
    "summary",
]
