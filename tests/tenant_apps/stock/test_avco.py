"""The weighted-average rules of tenant_apps.stock.avco, one test per rule and per edge."""

from __future__ import annotations

from decimal import Decimal

from tenant_apps.stock.avco import Position, avco_apply

D = Decimal


def _run(*moves: tuple[str, str | None]) -> tuple[Position, list[Decimal]]:
    position, values = Position(), []
    for quantity, value in moves:
        position, moved = avco_apply(
            position, quantity=D(quantity), value=None if value is None else D(value)
        )
        values.append(moved)
    return position, values


def test_purchases_add_their_printed_values_to_the_cent() -> None:
    position, _ = _run(("3", "10.00"), ("7", "14.33"), ("1", "0.01"))
    assert position == Position(D("11"), D("24.34"), D("2.2127"))


def test_an_exit_is_valued_at_the_average_rounded_to_the_cent() -> None:
    position, values = _run(("3", "10.00"), ("-1", None))
    assert values[-1] == D("-3.33")
    assert position == Position(D("2"), D("6.67"), D("3.3333"))


def test_an_exit_that_empties_the_stock_takes_the_whole_remaining_value() -> None:
    position, values = _run(("3", "10.00"), ("-1", None), ("-2", None))
    assert values[-1] == D("-6.67")
    assert (position.quantity, position.value) == (0, 0)


def test_an_exit_below_zero_takes_the_last_known_cost_and_no_cost_goes_negative() -> None:
    position, values = _run(("2", "5.00"), ("-2", None), ("-3", None))
    assert values[-1] == D("-7.50")
    assert position == Position(D("-3"), D("-7.50"), D("2.5000"))


def test_an_exit_before_any_purchase_is_valued_at_zero_without_dividing_by_zero() -> None:
    position, values = _run(("-4", None))
    assert values == [D("0.00")]
    assert position == Position(D("-4"), D("0.00"), D("0"))


def test_the_next_purchase_after_negative_stock_rebases_the_average_on_its_cost() -> None:
    position, _ = _run(("1", "2.00"), ("-3", None), ("10", "30.00"))
    assert position == Position(D("8"), D("24.00"), D("3.0000"))


def test_a_credit_note_takes_out_its_printed_value_and_keeps_the_average_sane() -> None:
    position, values = _run(("6", "60.00"), ("-2", "-24.00"))
    assert values[-1] == D("-24.00")
    assert position == Position(D("4"), D("36.00"), D("9.0000"))


def test_a_credit_note_returning_everything_leaves_no_cost_and_no_division_by_zero() -> None:
    position, _ = _run(("6", "60.00"), ("-6", "-60.00"))
    assert position == Position(D("0"), D("0.00"), D("10.0000"))
