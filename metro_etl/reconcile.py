"""Check a parsed document against its own printed totals (DESIGN §5: to the cent, or it is reported).

A gap is a disagreement that means the parse (or the document) cannot be trusted; a warning is
something worth showing that does not change the money, e.g. the down-payment credit note whose line
reads ``74,40-`` while its ``Total à payer`` is printed ``74,40``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from .models import VAT_RATES, ArticleLine, DocType, ParsedInvoice

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
# DESIGN §5: amount = price x colisage x qty to within 0.005 per unit (the printed unit price is rounded),
# plus the rounding of the amount itself to the cent.
_PER_UNIT_ROUNDING = Decimal("0.005")
_FILENAME = re.compile(r"^(?P<store>\d+)_(?P<till>\d+)_(?P<ticket>\d+)_(?P<stamp>\d{14})_")

Value = Decimal | int | str | None


@dataclass(frozen=True, slots=True)
class Gap:
    what: str
    expected: Value
    actual: Value

    def __str__(self) -> str:
        return f"{self.what}: expected {self.expected}, got {self.actual}"


@dataclass(frozen=True, slots=True)
class ReconciliationReport:
    number: str
    reconciled: bool  # True when there is no gap; warnings do not count
    gaps: tuple[Gap, ...]
    warnings: tuple[str, ...]


def reconcile(invoice: ParsedInvoice) -> ReconciliationReport:
    gaps: list[Gap] = []
    warnings: list[str] = []
    gaps.extend(
        Gap("unrecognised row in the article table", "a known row shape", row)
        for row in invoice.unparsed_lines
    )
    _check_pages(invoice, gaps)
    if invoice.doc_type.is_down_payment:
        _check_down_payment(invoice, gaps, warnings)
    elif invoice.vat_rows or invoice.total_tva is not None:
        _check_lines_against_totals(invoice, gaps)
        _check_vat_table(invoice, gaps, warnings)
        _check_printed_totals(invoice, gaps)
    else:
        _check_without_vat_table(invoice, gaps)
    _check_line_arithmetic(invoice.lines, gaps)
    _check_signs(invoice, warnings)
    _check_filename(invoice, warnings)
    return ReconciliationReport(invoice.number, not gaps, tuple(gaps), tuple(warnings))


def lines_total(invoice: ParsedInvoice) -> Decimal:
    """Σ article lines + Σ levies (COTIS) + Σ discounts, each with its printed sign."""
    return (
        _sum(line.amount for line in invoice.lines)
        + _sum(c.amount for c in invoice.cotis_lines)
        + _sum(d.amount for d in invoice.discount_lines)
    )


def totals_by_vat_code(invoice: ParsedInvoice) -> dict[str, Decimal]:
    by_code: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in invoice.lines:
        by_code[line.vat_code] += line.amount
    for levy in invoice.cotis_lines:
        by_code[levy.vat_code] += levy.amount
    for discount in invoice.discount_lines:
        by_code[discount.vat_code] += discount.amount
    return dict(by_code)


def _check_pages(invoice: ParsedInvoice, gaps: list[Gap]) -> None:
    headers = invoice.page_headers
    first = headers[0] if headers else None
    for index, header in enumerate(headers, start=1):
        if header.page_no != index or header.page_count != invoice.pages:
            gaps.append(
                Gap(
                    f"page {index}: 'PAGE : i/N' counter",
                    f"{index}/{invoice.pages}",
                    f"{header.page_no}/{header.page_count}",
                )
            )
        if first is None or index == 1:
            continue
        for what, mine, theirs in (
            ("number", header.number, invoice.number),
            ("store", header.store_name, invoice.store_name),
            ("invoice date", header.invoice_datetime, first.invoice_datetime),
        ):
            if mine != theirs:
                gaps.append(Gap(f"page {index}: header {what}", str(theirs), str(mine)))


def _check_lines_against_totals(invoice: ParsedInvoice, gaps: list[Gap]) -> None:
    _expect(gaps, "Σ lines + COTIS + discounts = Total HT", invoice.total_ht, lines_total(invoice))
    printed = {row.code: row.ht for row in invoice.vat_rows}
    computed = totals_by_vat_code(invoice)
    for code in sorted(set(printed) | set(computed)):
        _expect(gaps, f"VAT {code}: Σ lines = table HT", printed.get(code, ZERO), computed.get(code, ZERO))


def _check_vat_table(invoice: ParsedInvoice, gaps: list[Gap], warnings: list[str]) -> None:
    seen: set[str] = set()
    for row in invoice.vat_rows:
        if row.code in seen:
            gaps.append(Gap(f"VAT {row.code}: row printed once", 1, 2))
        seen.add(row.code)
        _expect(gaps, f"VAT {row.code}: HT + TVA = TTC", row.ttc, row.ht + row.tva)
        known = VAT_RATES.get(row.code)
        if known is None:
            gaps.append(Gap(f"VAT {row.code}: known VAT code", "one of " + "".join(VAT_RATES), row.code))
        elif row.rate != known:
            gaps.append(Gap(f"VAT {row.code}: printed rate", known, row.rate))
        if abs((row.ht * row.rate / 100).quantize(CENT) - row.tva) > CENT:
            warnings.append(f"VAT {row.code}: TVA {row.tva} is not {row.rate} % of {row.ht}")
    if invoice.total_tva is None or invoice.total_ttc is None:
        gaps.append(Gap("totals row under the VAT table", "printed", "missing"))
        return
    _expect(gaps, "VAT table: Σ HT = totals row", invoice.total_ht, _sum(r.ht for r in invoice.vat_rows))
    _expect(gaps, "VAT table: Σ TVA = totals row", invoice.total_tva, _sum(r.tva for r in invoice.vat_rows))
    _expect(gaps, "VAT table: Σ TTC = totals row", invoice.total_ttc, _sum(r.ttc for r in invoice.vat_rows))
    _expect(
        gaps, "totals row: HT + TVA = TTC", invoice.total_ttc, (invoice.total_ht or ZERO) + invoice.total_tva
    )


def _check_printed_totals(invoice: ParsedInvoice, gaps: list[Gap]) -> None:
    _expect(gaps, "'Total H.T.' = totals row HT", invoice.total_ht, invoice.total_ht_line)
    if invoice.montant_hors_tva is not None:
        _expect(gaps, "'Montant hors T.V.A.' = totals row HT", invoice.total_ht, invoice.montant_hors_tva)
    _expect(gaps, "'Total à payer' = totals row TTC", invoice.total_ttc, invoice.total_a_payer)


def _check_without_vat_table(invoice: ParsedInvoice, gaps: list[Gap]) -> None:
    # Only an empty invoice may omit the VAT table: no lines, Total H.T. 0,00, Total à payer 0,00.
    if not invoice.is_empty:
        gaps.append(Gap("VAT table for an invoice with lines", "printed", "missing"))
    _expect(gaps, "Σ lines + COTIS + discounts = Total HT", invoice.total_ht_line, lines_total(invoice))
    _expect(gaps, "'Total à payer' = 'Total H.T.' without VAT", invoice.total_ht_line, invoice.total_a_payer)


def _check_down_payment(invoice: ParsedInvoice, gaps: list[Gap], warnings: list[str]) -> None:
    if invoice.lines or invoice.vat_rows:
        gaps.append(Gap("down-payment document: article lines or VAT table", 0, len(invoice.lines)))
    if not invoice.down_payment_lines:
        gaps.append(Gap("down-payment document: 'Acompte' line", "printed", "missing"))
    paid = _sum(line.amount for line in invoice.down_payment_lines)
    if invoice.total_a_payer is None:
        gaps.append(Gap("down-payment document: 'Total à payer'", "printed", "missing"))
        return
    # Down-payment documents print the sign inconsistently (a refund's line is positive and its total
    # negative; the credit note the other way round), so only the magnitude must agree.
    _expect(gaps, "down-payment document: |Acompte| = |Total à payer|", abs(invoice.total_a_payer), abs(paid))
    if paid and (paid < 0) != (invoice.total_a_payer < 0):
        warnings.append(
            f"down-payment line {paid} and 'Total à payer' {invoice.total_a_payer} differ in sign"
        )


def _check_line_arithmetic(lines: Iterable[ArticleLine], gaps: list[Gap]) -> None:
    for line in lines:
        units = abs(line.quantity) * (line.colisage or 1)
        tolerance = _PER_UNIT_ROUNDING * (1 if line.weighed else units) + _PER_UNIT_ROUNDING
        if abs(line.expected_amount - line.amount) > tolerance:
            gaps.append(
                Gap(
                    f"line {line.position} ({line.article_number}): price x colisage x qty = amount",
                    line.expected_amount.quantize(CENT),
                    line.amount,
                )
            )


def _check_signs(invoice: ParsedInvoice, warnings: list[str]) -> None:
    if invoice.doc_type is DocType.CREDIT_NOTE:
        positive = [line.position for line in invoice.lines if line.amount > 0]
        if positive:
            warnings.append(f"credit note with positive article lines at positions {positive}")


def _check_filename(invoice: ParsedInvoice, warnings: list[str]) -> None:
    match = _FILENAME.match(invoice.filename or "")
    if match is None:
        return
    if invoice.ticket and int(invoice.ticket.split("-")[1]) != int(match.group("ticket")):
        warnings.append(f"ticket {invoice.ticket} does not match the file name")
    if match.group("stamp")[:8] != invoice.invoice_date.strftime("%Y%m%d"):
        warnings.append(f"invoice date {invoice.invoice_date} does not match the file name")


def _expect(gaps: list[Gap], what: str, expected: Decimal | None, actual: Decimal | None) -> None:
    if expected is None or actual is None:
        if expected is not actual:
            gaps.append(Gap(what, expected if expected is not None else "printed", actual))
        return
    if expected != actual:
        gaps.append(Gap(what, expected, actual))


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)
