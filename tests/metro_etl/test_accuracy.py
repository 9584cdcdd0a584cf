"""Every PDF of the sample against expected.csv, field by field, and it must reconcile."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from metro_etl import ParsedInvoice, parse_invoice, reconcile


def _money(text: str) -> Decimal | None:
    return Decimal(text) if text else None


def _vat_breakdown(invoice: ParsedInvoice) -> str:
    return "|".join(f"{r.code}:{r.rate:.2f}:{r.ht}:{r.tva}:{r.ttc}" for r in invoice.vat_rows)


def _parse(invoice_dir: Path, row: dict[str, str]) -> ParsedInvoice:
    return parse_invoice(invoice_dir / row["file"])


def test_header_fields_match_expected(expected_row: dict[str, str], invoice_dir: Path) -> None:
    invoice = _parse(invoice_dir, expected_row)

    assert invoice.doc_label == expected_row["doc_type"]
    assert invoice.number == expected_row["invoice_number"]
    assert invoice.invoice_date.isoformat() == expected_row["invoice_date"]
    assert invoice.store_name == expected_row["store"]
    assert invoice.store_code == expected_row["invoice_number"][4:7]
    assert invoice.pages == int(expected_row["pages"])


def test_totals_match_expected_to_the_cent(expected_row: dict[str, str], invoice_dir: Path) -> None:
    invoice = _parse(invoice_dir, expected_row)

    assert invoice.total_ht == _money(expected_row["total_ht"])
    assert invoice.total_tva == _money(expected_row["total_tva"])
    # Where no totals row is printed (empty and down-payment documents) the CSV takes "Total à payer".
    assert invoice.printed_total == _money(expected_row["total_ttc"])


def test_lines_and_vat_table_match_expected(expected_row: dict[str, str], invoice_dir: Path) -> None:
    invoice = _parse(invoice_dir, expected_row)

    if expected_row["article_lines"]:
        assert len(invoice.lines) == int(expected_row["article_lines"])
    else:
        assert invoice.doc_type.is_down_payment
        assert not invoice.lines
        assert len(invoice.down_payment_lines) == 1
    assert _vat_breakdown(invoice) == expected_row["vat_breakdown"]


def test_invoice_reconciles(expected_row: dict[str, str], invoice_dir: Path) -> None:
    report = reconcile(_parse(invoice_dir, expected_row))

    assert report.reconciled, [str(gap) for gap in report.gaps]
    assert report.number == expected_row["invoice_number"]


def test_bytes_and_path_give_the_same_invoice(expected_row: dict[str, str], invoice_dir: Path) -> None:
    path = invoice_dir / expected_row["file"]

    from_path = parse_invoice(path)
    from_bytes = parse_invoice(path.read_bytes(), filename=path.name)

    assert from_bytes == from_path
