"""The special cases the sample was chosen for (see "Which case each file covers" in its README)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pytest

from metro_etl import VAT_RATES, DocType, ParsedInvoice, reconcile
from metro_etl.reconcile import lines_total, totals_by_vat_code

Parsed = Callable[[str], ParsedInvoice]


def test_credit_note_references_the_invoice_it_cancels(parsed: Parsed) -> None:
    original = parsed("135_12_329009")
    credit = parsed("135_12_329014")

    assert credit.doc_type is DocType.CREDIT_NOTE
    assert credit.doc_label == "Avoir"
    assert credit.referenced_invoice_number == original.number == "0/0(135)0012/010261"
    assert original.referenced_invoice_number is None


def test_credit_note_mirrors_the_invoice_with_negative_amounts(parsed: Parsed) -> None:
    original = parsed("135_12_329009")
    credit = parsed("135_12_329014")

    assert len(credit.lines) == len(original.lines) == 41
    assert all(line.amount < 0 and line.quantity < 0 and line.is_return for line in credit.lines)
    assert Counter((li.article_number, -li.amount) for li in credit.lines) == Counter(
        (li.article_number, li.amount) for li in original.lines
    )
    # COTIS follows the lines' sign, while discounts are printed positive on a credit note.
    assert credit.cotis_lines
    assert all(c.amount < 0 for c in credit.cotis_lines)
    assert credit.discount_lines
    assert all(d.amount > 0 for d in credit.discount_lines)
    printed = (original.total_ht, original.total_tva, original.total_ttc)
    assert (credit.total_ht, credit.total_tva, credit.total_ttc) == tuple(-(t or 0) for t in printed)


def test_weighed_items_carry_weight_and_price_per_kg(parsed: Parsed) -> None:
    invoice = parsed("135_12_118038")
    weighed = [line for line in invoice.lines if line.weighed]

    assert [(w.weight_kg, w.unit_price, w.amount) for w in weighed] == [
        (Decimal("1.392"), Decimal("8.990"), Decimal("12.51")),
        (Decimal("1.452"), Decimal("8.990"), Decimal("13.05")),
        (Decimal("2.765"), Decimal("8.990"), Decimal("24.86")),
    ]
    for line in weighed:
        assert line.colisage is None
        assert line.quantity == 1
        assert line.ean is not None
        assert line.ean.startswith("2")
        assert abs(line.expected_amount - line.amount) < Decimal("0.005")
        assert line.category == "BOUCHERIE"


@pytest.mark.parametrize("prefix", ["135_11_96107", "135_12_364379", "135_15_85977", "135_43_933"])
def test_other_weighed_items_are_recognised(parsed: Parsed, prefix: str) -> None:
    assert any(line.weighed for line in parsed(prefix).lines)


def test_lines_without_ean_are_keyed_by_article_number(parsed: Parsed) -> None:
    invoice = parsed("135_12_260016")
    no_ean = [line for line in invoice.lines if line.ean is None]

    assert no_ean
    assert all(len(line.article_number) == 7 and line.article_number.isdigit() for line in no_ean)
    assert {line.mm for line in no_ean} == {"M"}


@pytest.mark.parametrize(
    ("prefix", "lengths"),
    [("135_12_317329", {8, 13, 14}), ("135_15_210536", {8, 13}), ("135_12_260016", {13, 14})],
)
def test_ean_lengths(parsed: Parsed, prefix: str, lengths: set[int]) -> None:
    found = {len(line.ean) for line in parsed(prefix).lines if line.ean}

    assert found == lengths


def test_trailing_minus_makes_a_return_line(parsed: Parsed) -> None:
    invoice = parsed("135_15_210536")
    returns = [line for line in invoice.lines if line.is_return]

    assert [(r.article_number, r.quantity, r.amount, r.mm, r.extr) for r in returns] == [
        ("1853480", -2, Decimal("-164.48"), "M", "53")
    ]
    assert invoice.total_ht is not None
    assert invoice.total_ht > 0


def test_thousands_separator_in_a_line_amount(parsed: Parsed) -> None:
    invoice = parsed("135_12_331840")
    big = [line for line in invoice.lines if line.amount >= 1000]

    assert [(b.colisage, b.quantity, b.unit_price, b.amount) for b in big] == [
        (12, 80, Decimal("1.586"), Decimal("1522.40"))
    ]


def test_four_digit_amount_without_separator(parsed: Parsed) -> None:
    invoice = parsed("135_16_255678")

    assert [line.amount for line in invoice.lines] == [Decimal("-1999.00")]
    assert invoice.total_ttc == Decimal("-2398.80")


def test_cotis_is_added_and_dont_is_not(parsed: Parsed) -> None:
    invoice = parsed("10_6_153718")

    assert [c.amount for c in invoice.cotis_lines] == [
        Decimal(x) for x in ("1.61", "1.51", "1.51", "1.51", "9.66")
    ]
    assert all(c.vat_code == "D" and c.label == "COTIS. SECURITE SOCIALE" for c in invoice.cotis_lines)
    assert any(info.text.startswith("Dont : COTIS") for info in invoice.info_lines)
    articles = sum((line.amount for line in invoice.lines), Decimal(0))
    assert articles + Decimal("15.80") == invoice.total_ht == lines_total(invoice)


def test_ecoparticipation_dont_line_is_information_only(parsed: Parsed) -> None:
    invoice = parsed("135_25_28450")

    assert any("ECOPARTICIPATION" in info.text for info in invoice.info_lines)
    assert lines_total(invoice) == invoice.total_ht


def test_discounts_take_the_vat_code_of_the_article_above(parsed: Parsed) -> None:
    invoice = parsed("135_12_329009")
    by_position = {line.position: line for line in invoice.lines}

    assert {d.label for d in invoice.discount_lines} >= {"Offre Achetez Plus Payez Moins", "4 POUR 3"}
    for discount in invoice.discount_lines:
        assert discount.amount < 0
        assert discount.vat_code == by_position[discount.after_position].vat_code
    assert {d.vat_code for d in invoice.discount_lines} == {"B", "D"}
    assert totals_by_vat_code(invoice) == {row.code: row.ht for row in invoice.vat_rows}


def test_n_pour_m_discount_on_a_2020_invoice(parsed: Parsed) -> None:
    invoice = parsed("135_15_80113")

    assert [(d.label, d.amount, d.vat_code) for d in invoice.discount_lines] == [
        ("5 POUR 4", Decimal("-14.52"), "D")
    ]


def test_vat_code_c_is_twenty_percent(parsed: Parsed) -> None:
    invoice = parsed("135_12_260016")
    row_c = next(row for row in invoice.vat_rows if row.code == "C")

    assert VAT_RATES["C"] == Decimal("20.00") == row_c.rate
    assert (row_c.ht * row_c.rate / 100).quantize(Decimal("0.01")) == row_c.tva
    assert [line.designation for line in invoice.lines if line.vat_code == "C"]


def test_vat_code_e_is_ten_percent(parsed: Parsed) -> None:
    invoice = parsed("135_11_358148")

    assert [(r.code, r.rate) for r in invoice.vat_rows if r.code == "E"] == [("E", Decimal("10.00"))]
    assert invoice.recalled_invoice_number == "0/0(135)0011/024405"


def test_deposit_lines_and_deposit_refund(parsed: Parsed) -> None:
    deposits = [line for line in parsed("135_25_45648").lines if line.mm == "+"]
    refund = parsed("135_37_47050")

    assert deposits
    assert all(d.vat_code == "A" for d in deposits)
    assert refund.doc_type is DocType.DEPOSIT_REFUND
    assert refund.doc_label == "AVOIR Consigne"
    assert {row.code for row in refund.vat_rows} == {"A"}
    assert refund.printed_total == refund.total_ttc
    assert refund.printed_total is not None
    assert refund.printed_total < 0  # the amount refunded


def test_empty_invoice(parsed: Parsed) -> None:
    invoice = parsed("135_12_282086")

    assert invoice.is_empty
    assert (invoice.total_ht, invoice.total_tva, invoice.total_ttc) == (Decimal("0.00"), None, None)
    assert invoice.total_a_payer == Decimal("0.00")
    assert invoice.printed_total == Decimal("0.00")  # "Total à payer 0,00" is the total it reports
    assert not invoice.vat_rows
    assert reconcile(invoice).reconciled


def test_zero_total_with_lines_is_not_empty(parsed: Parsed) -> None:
    invoice = parsed("135_11_247666")

    assert not invoice.is_empty
    assert invoice.total_ht == Decimal("0.00")
    assert sorted(line.amount for line in invoice.lines) == [Decimal("-292.52"), Decimal("292.52")]


@pytest.mark.parametrize(
    ("prefix", "doc_type", "line_amount", "to_pay"),
    [
        ("135_16_67705", DocType.DOWN_PAYMENT_INVOICE, "74.40", "74.40"),
        ("135_3_17893", DocType.DOWN_PAYMENT_REFUND, "74.40", "-74.40"),
        ("135_3_17894", DocType.DOWN_PAYMENT_CREDIT_NOTE, "-74.40", "74.40"),
    ],
)
def test_down_payment_documents(
    parsed: Parsed, prefix: str, doc_type: DocType, line_amount: str, to_pay: str
) -> None:
    invoice = parsed(prefix)
    report = reconcile(invoice)

    assert invoice.doc_type is doc_type
    assert invoice.number.startswith("6/")
    assert [d.amount for d in invoice.down_payment_lines] == [Decimal(line_amount)]
    assert invoice.down_payment_lines[0].contract == "2020/22062020623392"
    assert invoice.total_a_payer == Decimal(to_pay)
    assert (invoice.total_ht, invoice.total_tva, invoice.total_ttc) == (None, None, None)
    assert invoice.printed_total == Decimal(to_pay)  # the amount paid or refunded, as printed
    assert report.reconciled
    # The printed signs disagree on refunds and credit notes: reported, not hidden.
    assert bool(report.warnings) == (line_amount != to_pay)


def test_categories_come_from_section_totals(parsed: Parsed) -> None:
    invoice = parsed("10_6_153718")

    assert [line.category for line in invoice.lines[:6]] == ["SPIRITUEUX"] * 5 + ["BRASSERIE"]
    assert [c.name for c in invoice.category_totals][:2] == ["SPIRITUEUX", "BRASSERIE"]
    assert all(line.category for line in invoice.lines)


def test_packed_line_fields(parsed: Parsed) -> None:
    first = parsed("135_12_329014").lines[0]

    assert (first.position, first.page, first.ean, first.article_number) == (1, 1, "5010327325125", "0799775")
    assert first.designation == "WH GLENFIDDICH 15A 40D 70CL"
    assert (first.regie, first.vol_alcool, first.vap, first.unit_volume) == (
        "S",
        Decimal("40.0"),
        Decimal("0.280"),
        Decimal("0.700"),
    )
    assert (first.unit_price, first.colisage, first.quantity, first.amount) == (
        Decimal("42.350"),
        1,
        -15,
        Decimal("-635.25"),
    )
    assert (first.vat_code, first.promo, first.weighed) == ("D", None, False)


def test_promo_and_extr_columns(parsed: Parsed) -> None:
    invoice = parsed("135_16_255679")

    assert {(line.promo, line.extr) for line in invoice.lines if line.mm == "M"} >= {("PP", "11")}


def test_repeated_identical_lines_keep_their_own_position(parsed: Parsed) -> None:
    invoice = parsed("135_12_359270")
    keys = [(line.article_number, line.amount) for line in invoice.lines]

    assert len(set(keys)) < len(keys)
    assert [line.position for line in invoice.lines] == list(range(1, len(invoice.lines) + 1))


def test_every_page_header_belongs_to_the_same_invoice(parsed: Parsed) -> None:
    invoice = parsed("135_12_317329")

    assert invoice.pages == 6
    assert [(h.page_no, h.page_count) for h in invoice.page_headers] == [(i, 6) for i in range(1, 7)]
    assert {h.number for h in invoice.page_headers} == {invoice.number}


def test_doubled_file_name_is_parsed(parsed: Parsed) -> None:
    invoice = parsed("135_12_260016_20221129181402")

    assert invoice.ticket == "012-260016"
    assert invoice.filename is not None
    assert invoice.filename.count("260016") == 2
    assert not reconcile(invoice).warnings


def test_file_hash_is_recorded(parsed: Parsed, invoice_file: Callable[[str], object]) -> None:
    import hashlib
    from pathlib import Path

    path = invoice_file("135_16_170246")
    assert isinstance(path, Path)

    assert parsed("135_16_170246").sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
