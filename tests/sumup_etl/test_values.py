"""The cell grammar (decimal comma, dates, durations, headers) and the VAT rate snapping."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sumup_etl import LEGAL_RATES, snap_rate
from sumup_etl.values import (
    normalize_header,
    parse_datetime,
    parse_decimal,
    parse_duration,
    parse_int,
)

amounts = st.decimals(min_value=Decimal("-999999999.99"), max_value=Decimal("999999999.99"), places=2)


@given(amounts)
def test_decimal_comma_round_trip(value: Decimal) -> None:
    printed = f"{value:f}".replace(".", ",")
    parsed = parse_decimal(printed)
    assert parsed == value
    assert isinstance(parsed, Decimal)
    assert parsed.as_tuple().exponent == -2  # the scale is kept: "12,50" is 12.50, not 12.5


@given(st.text(max_size=20).filter(lambda text: "," not in text or "." in text))
def test_anything_but_a_decimal_comma_number_is_refused(text: str) -> None:
    stripped = text.strip()
    if (
        stripped.lstrip("-").isascii()
        and stripped.lstrip("-").isdigit()
        and 0 < len(stripped.lstrip("-")) <= 12
    ):
        assert parse_decimal(text) == Decimal(stripped)  # a whole number needs no comma
        return
    with pytest.raises(ValueError, match="decimal-comma"):
        parse_decimal(text)


@pytest.mark.parametrize(
    "text",
    [
        "1.549,00",
        "1 549,00",
        "1549.00",
        "12,",
        ",5",
        "1e3",
        "NaN",
        "Infinity",
        "\u0661\u0662,\u0660\u0660",
        "1" * 13,
    ],
)
def test_refused_numbers(text: str) -> None:
    with pytest.raises(ValueError, match="decimal-comma"):
        parse_decimal(text)


def test_numbers_as_exported() -> None:
    assert parse_decimal("1549,00") == Decimal("1549.00")
    assert parse_decimal(" 0,00 ") == Decimal("0.00")
    assert parse_decimal("-12,5") == Decimal("-12.5")
    assert parse_int("42") == 42
    with pytest.raises(ValueError, match="whole number"):
        parse_int("1,0")


def test_datetimes_and_durations() -> None:
    assert parse_datetime("2023-11-08 21:13:14") == datetime.fromisoformat("2023-11-08T21:13:14")
    assert parse_datetime("2023-11-08 21:13:14").tzinfo is None
    for bad in ["2023-11-08T21:13:14", "2023-11-08 21:13", "2023-13-08 21:13:14", "08/11/2023 21:13:14"]:
        with pytest.raises(ValueError, match="date"):
            parse_datetime(bad)
    assert parse_duration("91:53:59") == timedelta(hours=91, minutes=53, seconds=59)
    with pytest.raises(ValueError, match="duration"):
        parse_duration("01:60:00")


def test_header_names_lose_their_zero_width_spaces() -> None:
    assert normalize_header("Prix \u200b\u200bunitaire TTC") == "Prix unitaire TTC"
    assert normalize_header("\ufeffEtablissement") == "Etablissement"
    assert normalize_header("Quantite\u0301") == "Quantité"  # decomposed accents compare equal


@given(
    ttc=st.decimals(min_value=Decimal("1.00"), max_value=Decimal("99999.99"), places=2),
    rate=st.sampled_from(LEGAL_RATES),
)
def test_snap_finds_the_rate_the_till_used(ttc: Decimal, rate: Decimal) -> None:
    ht = (ttc * 100 / (100 + rate)).quantize(Decimal("0.01"))
    assert snap_rate(ttc=ttc, ht=ht) == rate


@given(
    unit=st.decimals(min_value=Decimal("0.50"), max_value=Decimal("500.00"), places=2),
    quantity=st.integers(min_value=1, max_value=20),
    rate=st.sampled_from([Decimal("5.5"), Decimal("10"), Decimal("20")]),
)
def test_snap_allows_for_ht_rounded_per_unit(unit: Decimal, quantity: int, rate: Decimal) -> None:
    unit_ht = (unit * 100 / (100 + rate)).quantize(Decimal("0.01"))
    assert snap_rate(ttc=unit * quantity, ht=unit_ht * quantity, quantity=Decimal(quantity)) == rate


@pytest.mark.parametrize(
    ("ttc", "ht", "rate"),
    [
        ("0,50", "0,47", "5.5"),  # VAT/HT says 6.4 %; the HT is exact at 5.5 %
        ("7,00", "6,64", "5.5"),
        ("15,00", "13,64", "10"),
        ("8,00", "6,67", "20"),
        ("10,00", "10,00", "0"),
        ("10,00", "9,79", "2.1"),
        ("15,00", "13,00", None),  # 15.4 %: no legal rate
        ("0,00", "0,00", None),  # free: no rate at all
        ("10,00", "-9,09", None),  # signs disagree
    ],
)
def test_snap_examples(ttc: str, ht: str, rate: str | None) -> None:
    expected = Decimal(rate) if rate is not None else None
    assert snap_rate(ttc=parse_decimal(ttc), ht=parse_decimal(ht)) == expected
