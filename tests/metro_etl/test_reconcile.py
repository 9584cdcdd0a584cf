"""Reconciliation must notice when any figure no longer agrees with the printed totals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import pytest

from metro_etl import Gap, ParsedInvoice, reconcile

Parsed = Callable[[str], ParsedInvoice]


@pytest.fixture
def invoice(parsed: Parsed) -> ParsedInvoice:
    original = parsed("135_12_329009")
    assert reconcile(original).reconciled
    return original


def _whats(gaps: tuple[Gap, ...]) -> set[str]:
    return {gap.what for gap in gaps}


def _with_amount(invoice: ParsedInvoice, index: int, delta: Decimal) -> ParsedInvoice:
    lines = list(invoice.lines)
    lines[index] = replace(lines[index], amount=lines[index].amount + delta)
    return replace(invoice, lines=tuple(lines))


def test_tampered_line_amount_is_reported(invoice: ParsedInvoice) -> None:
    line = invoice.lines[4]

    report = reconcile(_with_amount(invoice, 4, Decimal("1.00")))

    assert not report.reconciled
    total_gap = next(g for g in report.gaps if g.what == "Σ lines + COTIS + discounts = Total HT")
    assert invoice.total_ht is not None
    assert (total_gap.expected, total_gap.actual) == (invoice.total_ht, invoice.total_ht + 1)
    assert f"VAT {line.vat_code}: Σ lines = table HT" in _whats(report.gaps)
    line_gap = next(g for g in report.gaps if g.what.startswith(f"line {line.position} ("))
    assert (line_gap.expected, line_gap.actual) == (line.amount, line.amount + 1)


def test_one_cent_is_enough(invoice: ParsedInvoice) -> None:
    report = reconcile(_with_amount(invoice, 0, Decimal("-0.01")))

    assert not report.reconciled
    assert "Σ lines + COTIS + discounts = Total HT" in _whats(report.gaps)


def test_dropped_line_is_reported(invoice: ParsedInvoice) -> None:
    report = reconcile(replace(invoice, lines=invoice.lines[1:]))

    assert "Σ lines + COTIS + discounts = Total HT" in _whats(report.gaps)


def test_counting_dont_as_cotis_is_reported(invoice: ParsedInvoice) -> None:
    doubled = replace(invoice, cotis_lines=invoice.cotis_lines + invoice.cotis_lines[:1])

    assert not reconcile(doubled).reconciled


def test_discount_under_the_wrong_vat_code_is_reported(invoice: ParsedInvoice) -> None:
    moved = tuple(replace(d, vat_code="C") for d in invoice.discount_lines)

    report = reconcile(replace(invoice, discount_lines=moved))

    assert "Σ lines + COTIS + discounts = Total HT" not in _whats(report.gaps)  # same total …
    assert "VAT C: Σ lines = table HT" in _whats(report.gaps)  # … wrong code


def test_wrong_vat_rate_is_reported(invoice: ParsedInvoice) -> None:
    rows = tuple(replace(r, rate=Decimal("10.00")) if r.code == "C" else r for r in invoice.vat_rows)

    gap = next(g for g in reconcile(replace(invoice, vat_rows=rows)).gaps if g.what == "VAT C: printed rate")

    assert (gap.expected, gap.actual) == (Decimal("20.00"), Decimal("10.00"))


def test_vat_row_that_does_not_add_up_is_reported(invoice: ParsedInvoice) -> None:
    rows = (replace(invoice.vat_rows[0], ttc=invoice.vat_rows[0].ttc + 1), *invoice.vat_rows[1:])

    whats = _whats(reconcile(replace(invoice, vat_rows=rows)).gaps)

    assert f"VAT {rows[0].code}: HT + TVA = TTC" in whats
    assert "VAT table: Σ TTC = totals row" in whats


def test_total_a_payer_must_equal_ttc(invoice: ParsedInvoice) -> None:
    report = reconcile(replace(invoice, total_a_payer=Decimal("1.00")))

    assert "'Total à payer' = totals row TTC" in _whats(report.gaps)


def test_page_from_another_invoice_is_reported(invoice: ParsedInvoice) -> None:
    headers = (*invoice.page_headers[:2], replace(invoice.page_headers[2], number="0/0(135)0012/999999"))

    report = reconcile(replace(invoice, page_headers=(*headers, *invoice.page_headers[3:])))

    assert "page 3: header number" in _whats(report.gaps)


def test_missing_page_is_reported(invoice: ParsedInvoice) -> None:
    report = reconcile(replace(invoice, pages=invoice.pages - 1, page_headers=invoice.page_headers[:-1]))

    assert any("'PAGE : i/N' counter" in gap.what for gap in report.gaps)


def test_unparsed_row_is_a_gap(invoice: ParsedInvoice) -> None:
    report = reconcile(replace(invoice, unparsed_lines=("   ?? 12,00",)))

    assert not report.reconciled
    assert "unrecognised row in the article table" in _whats(report.gaps)


def test_empty_invoice_with_a_total_is_reported(parsed: Parsed) -> None:
    empty = parsed("135_12_282086")

    report = reconcile(replace(empty, total_a_payer=Decimal("5.00")))

    assert "'Total à payer' = 'Total H.T.' without VAT" in _whats(report.gaps)


def test_down_payment_amount_mismatch_is_reported(parsed: Parsed) -> None:
    down = parsed("135_16_67705")

    report = reconcile(replace(down, total_a_payer=Decimal("70.00")))

    assert "down-payment document: |Acompte| = |Total à payer|" in _whats(report.gaps)


def test_gap_reads_well() -> None:
    assert str(Gap("VAT B: HT + TVA = TTC", Decimal("1.00"), Decimal("1.01"))) == (
        "VAT B: HT + TVA = TTC: expected 1.00, got 1.01"
    )
