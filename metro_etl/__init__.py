"""Pure-Python parser for METRO France invoices (no Django here; loading lives in tenant_apps.metro)."""

from .batch import parse_many
from .errors import (
    CorruptPdfError,
    EncryptedPdfError,
    InternalParseError,
    MalformedInvoiceError,
    MetroParseError,
    NotMetroInvoiceError,
    NotPdfError,
    TooComplexError,
    UnreadableFileError,
    UnsupportedDocumentError,
)
from .models import (
    VAT_RATES,
    ArticleLine,
    CategoryTotal,
    CotisLine,
    DiscountLine,
    DocType,
    DownPaymentLine,
    InfoLine,
    PageHeader,
    ParsedInvoice,
    VatRow,
)
from .parser import parse_invoice
from .reconcile import Gap, ReconciliationReport, reconcile

__all__ = [
    "VAT_RATES",
    "ArticleLine",
    "CategoryTotal",
    "CorruptPdfError",
    "CotisLine",
    "DiscountLine",
    "DocType",
    "DownPaymentLine",
    "EncryptedPdfError",
    "Gap",
    "InfoLine",
    "InternalParseError",
    "MalformedInvoiceError",
    "MetroParseError",
    "NotMetroInvoiceError",
    "NotPdfError",
    "PageHeader",
    "ParsedInvoice",
    "ReconciliationReport",
    "TooComplexError",
    "UnreadableFileError",
    "UnsupportedDocumentError",
    "VatRow",
    "parse_invoice",
    "parse_many",
    "reconcile",
]
