"""Reads of the METRO app."""

from .invoices import invoice_get, invoice_lines, invoice_list
from .jobs import batch_get
from .products import product_list
from .stats import dashboard, summary

__all__ = [
    "batch_get",
    "dashboard",
    "invoice_get",
    "invoice_lines",
    "invoice_list",
    "product_list",
    "summary",
]
