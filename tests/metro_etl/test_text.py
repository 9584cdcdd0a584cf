"""PDF → text lines (watermark filtered) and the printed number formats."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metro_etl import ArticleLine, patterns
from metro_etl.body import BodyParser
from metro_etl.text import extract_text


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("8,14", "8.14"),
        ("8,14-", "-8.14"),
        ("8,14\xa0", "8.14"),
        ("1999,00-", "-1999.00"),
        ("1\xa0522,40", "1522.40"),
        ("1 522,40-", "-1522.40"),
        ("12 345 678,90", "12345678.90"),
        ("0,000", "0.000"),
    ],
)
def test_parse_amount(printed: str, value: str) -> None:
    assert patterns.parse_amount(printed) == Decimal(value)


def test_parse_amount_rejects_text() -> None:
    with pytest.raises(ValueError, match="French decimal"):
        patterns.parse_amount("abc")


@pytest.mark.parametrize(("printed", "value"), [("1", 1), ("15-", -15), ("12", 12)])
def test_parse_int(printed: str, value: int) -> None:
    assert patterns.parse_int(printed) == value


def _french(value: Decimal, separator: str) -> str:
    units, cents = f"{abs(value):.2f}".split(".")
    groups: list[str] = []
    while len(units) > 3:
        units, tail = units[:-3], units[-3:]
        groups.insert(0, tail)
    text = separator.join([units, *groups]) + "," + cents
    return text + ("-" if value < 0 else "\xa0")


@given(
    value=st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False, allow_infinity=False),
    separator=st.sampled_from([" ", "\xa0", ""]),
)
def test_amounts_round_trip(value: Decimal, separator: str) -> None:
    printed = _french(value, separator)

    assert patterns.parse_amount(printed) == value
    assert patterns.ENDS_WITH_AMOUNT.search(" " + printed)


def _article(row: str) -> ArticleLine:
    parser = BodyParser()
    parser.feed(row, 1)
    result = parser.finish()
    assert not result.unparsed, result.unparsed
    assert len(result.lines) == 1
    return result.lines[0]


def test_row_with_thousands_separator_next_to_quantity() -> None:
    row = (
        "   3119783018823  2032837 HEINEKEN 5D 65CL VP              B   5,0   0,033      0,650"
        "        1,586\xa0    12\xa080  1\xa0522,40    D"
    )

    line = _article(row)

    assert (line.colisage, line.quantity, line.amount, line.vat_code) == (12, 80, Decimal("1522.40"), "D")
    assert (line.regie, line.vol_alcool, line.vap, line.unit_volume) == (
        "B",
        Decimal("5.0"),
        Decimal("0.033"),
        Decimal("0.650"),
    )


def test_weighed_row_without_ean() -> None:
    row = (
        "                  0085894 ROTI MARINE CHAROLAIS S/V                             1,668\xa0"
        "      11,990\xa0        1\xa0    20,00\xa0   B"
    )

    line = _article(row)

    assert (line.ean, line.article_number, line.weighed) == (None, "0085894", True)
    assert (line.weight_kg, line.unit_price, line.quantity, line.colisage) == (
        Decimal("1.668"),
        Decimal("11.990"),
        1,
        None,
    )


def test_return_row_with_mm_flag_negative_vap_and_extr() -> None:
    row = (
        "M                 2975571 WH CLAN CAMPBELL 40D 20CL        S  40,0 0,080-       0,200"
        "        3,800\xa0     1\xa0 3-     11,40- D          16"
    )

    line = _article(row)

    assert (line.mm, line.quantity, line.amount, line.vap, line.extr) == (
        "M",
        -3,
        Decimal("-11.40"),
        Decimal("-0.080"),
        "16",
    )
    assert line.is_return


def test_wine_row_with_a_digit_as_regie() -> None:
    row = (
        "   3439495506099  2217727 VIN FR CHARDON 75CL RIBEAUP      8                    0,750"
        "        1,990\xa0     6\xa0 1     11,94    D"
    )

    line = _article(row)

    assert (line.designation, line.regie, line.vol_alcool, line.unit_volume) == (
        "VIN FR CHARDON 75CL RIBEAUP",
        "8",
        None,
        Decimal("0.750"),
    )


def test_designation_ending_in_a_number_is_not_a_regie() -> None:
    row = (
        "   3439496827285  3042991 MPRO PH JUMBO 2 PLI 350M X 6                                      "
        "15,000\xa0     1\xa0 1     15,00    D"
    )

    line = _article(row)

    assert (line.designation, line.regie) == ("MPRO PH JUMBO 2 PLI 350M X 6", None)


def test_unknown_row_with_money_is_not_dropped() -> None:
    parser = BodyParser()
    parser.feed("   1234 SOMETHING NEW                                   12,00-   D", 1)

    assert parser.finish().unparsed == ["1234 SOMETHING NEW                                   12,00-   D"]


def test_watermark_is_filtered_out(invoice_dir: Path) -> None:
    for path in sorted(invoice_dir.glob("*.pdf")):
        text = extract_text(path.read_bytes())
        assert text.page_count >= 1
        assert not any("Duplicata" in line for page in text.pages for line in page), path.name


@pytest.mark.parametrize("prefix", ["135_12_329014", "135_11_96107"])
def test_same_lines_as_filtered_pdfplumber(invoice_file: Callable[[str], Path], prefix: str) -> None:
    """The fast extractor must see what the reference extraction (pdfplumber, README step 1) sees."""
    pdfplumber = pytest.importorskip("pdfplumber")
    path = invoice_file(prefix)

    def keep(obj: dict[str, object]) -> bool:
        if obj.get("object_type") != "char":
            return True
        matrix = obj["matrix"]
        assert isinstance(matrix, tuple)
        return (
            bool(obj["upright"])
            and matrix[1] == 0
            and matrix[2] == 0
            and "Helvetica" not in str(obj["fontname"])
        )

    with pdfplumber.open(path) as pdf:
        reference = [
            " ".join(line.split())
            for page in pdf.pages
            for line in page.filter(keep).extract_text().split("\n")
            if line.strip()
        ]
    ours = [" ".join(line.split()) for page in extract_text(path.read_bytes()).pages for line in page]

    # Report positions only: these pages carry a customer's name and address.
    assert len(ours) == len(reference)
    assert [i for i, (a, b) in enumerate(zip(ours, reference, strict=True)) if a != b] == []
