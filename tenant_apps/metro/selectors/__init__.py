"""Reads of the METRO app."""

from .invoices import invoice_get, invoice_lines, invoice_list, invoice_stores
from .jobs import batch_get
from .ledger import LedgerDocument, ledger_documents
from .products import product_list
from .stats import dashboard, price_points, spend_by_month, summary

__all__ = [
    "LedgerDocument",
    "batch_get",
    "dashboard",
    "invoice_get",
    "invoice_lines",
    "invoice_list",
    "invoice_stores",
    "ledger_documents",
    "price_points",
    "product_list",
    "spend_by_month",
    "summary",
]
