"""The METRO documents as the purchases journal needs them: per document, its net amount per VAT rate,
the VAT its printed table charges per rate, and its printed total, in date order and in bounded pages."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, Sum

from metro_etl.models import VAT_RATES

from ..models import Invoice, InvoiceLine

CENT = Decimal("0.01")
PAGE = 500


@dataclass(frozen=True, slots=True)
class LedgerDocument:
    number: str
    doc_type: str  # a DocType value
    invoice_date: date
    imported_at: datetime
    store_name: str
    total_gross: Decimal | None  # as printed (None where nothing is printed)
    net_by_rate: dict[Decimal, Decimal]  # Σ lines (articles, levies, discounts) per VAT rate
    vat_by_rate: dict[Decimal, Decimal]  # the printed VAT table per rate
    down_payment: Decimal  # Σ down-payment lines, as printed


def _printed_vat(report: Any, net_by_rate: dict[Decimal, Decimal]) -> dict[Decimal, Decimal]:
    """The VAT table as the loader kept it; for documents loaded before it kept the table, each rate's net
    x rate rounded half up (what METRO prints on every row of the sample: 69 of 69)."""
    table = report.get("vat_table") if isinstance(report, dict) else None
    if isinstance(table, list):
        by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
        for row in table:
            rate = VAT_RATES.get(str(row.get("code")), Decimal(str(row.get("rate"))))
            by_rate[rate] += Decimal(str(row.get("tva")))
        return dict(by_rate)
    return {
        rate: (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP) for rate, net in net_by_rate.items()
    }


def _lines_by_invoice(ids: list[int]) -> dict[int, tuple[dict[Decimal, Decimal], Decimal]]:
    rows = (
        InvoiceLine.objects.filter(invoice_id__in=ids)
        .values("invoice_id", "vat_rate", "kind")
        .annotate(net=Sum("net_amount"))
        .order_by()
    )
    found: dict[int, tuple[dict[Decimal, Decimal], Decimal]] = {}
    for row in rows:
        by_rate, down = found.setdefault(row["invoice_id"], ({}, Decimal(0)))
        if row["kind"] == "down_payment":
            found[row["invoice_id"]] = (by_rate, down + row["net"])
        elif row["vat_rate"] is not None:
            by_rate[row["vat_rate"]] = by_rate.get(row["vat_rate"], Decimal(0)) + row["net"]
    return found


def ledger_documents(*, start: date, end: date) -> Iterator[LedgerDocument]:
    """Every loaded METRO document dated in [start, end], by (date, number), read PAGE at a time so that a
    year of a busy tenant is never held in memory."""
    after = Q()
    while True:
        page = list(
            Invoice.objects.filter(after, invoice_date__gte=start, invoice_date__lte=end)
            .order_by("invoice_date", "number")
            .values(
                "id",
                "number",
                "doc_type",
                "invoice_date",
                "imported_at",
                "store_name",
                "total_gross",
                "reconciliation_report",
            )[:PAGE]
        )
        if not page:
            return
        lines = _lines_by_invoice([row["id"] for row in page])
        for row in page:
            net_by_rate, down_payment = lines.get(row["id"], ({}, Decimal(0)))
            yield LedgerDocument(
                number=row["number"],
                doc_type=row["doc_type"],
                invoice_date=row["invoice_date"],
                imported_at=row["imported_at"],
                store_name=row["store_name"],
                total_gross=row["total_gross"],
                net_by_rate=net_by_rate,
                vat_by_rate=_printed_vat(row["reconciliation_report"], net_by_rate),
                down_payment=down_payment,
            )
        last = page[-1]
        after = Q(invoice_date__gt=last["invoice_date"]) | Q(
            invoice_date=last["invoice_date"], number__gt=last["number"]
        )
