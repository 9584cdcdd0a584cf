"""Weighted average cost (AVCO) of one product at one site, movement by movement (pure: no database).

The rules, in the order a movement meets them:

1. A valued movement (a purchase line, a credit note's line: it comes with its printed value) adds its value
   and its quantity. The average becomes value / quantity when the quantity after it is positive; otherwise
   the last known average stays (never a division by zero, never a negative cost). So with purchases only,
   the stock value is exactly the sum of what was paid, to the cent.
2. Re-basing: when the stock before a purchase is negative (the till sold goods not recorded yet), the
   units already gone are taken as bought at this purchase's unit cost: the average becomes the purchase's
   unit cost and the value is quantity after times that cost. The value of the earlier exits is not rewritten.
3. An unvalued movement (an exit, a count adjustment, a transfer) is valued at the current average, rounded
   to the cent. An exit that empties the stock exactly takes the whole remaining value (no stray cents).
4. Below zero: an exit from a stock at or under zero takes the last known average (the average of the last
   time there was stock; 0 if there never was), and the value goes negative with the quantity.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
COST = Decimal("0.0001")
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Position:
    quantity: Decimal = ZERO
    value: Decimal = ZERO
    unit_cost: Decimal = ZERO  # the current average, or the last known one when the quantity is not positive


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _cost(value: Decimal, quantity: Decimal) -> Decimal:
    return abs(value / quantity).quantize(COST, rounding=ROUND_HALF_UP)


def avco_apply(position: Position, *, quantity: Decimal, value: Decimal | None) -> tuple[Position, Decimal]:
    """The position after one movement, and the movement's value (its own when given: rule 1)."""
    after = position.quantity + quantity
    if value is None:
        return _unvalued(position, quantity, after)
    if position.quantity < 0 and quantity > 0:  # rule 2
        cost = _cost(value, quantity)
        return Position(after, _cents(after * cost), cost), value
    total = position.value + value
    cost = _cost(total, after) if after > 0 else position.unit_cost
    return Position(after, total, cost), value


def _unvalued(position: Position, quantity: Decimal, after: Decimal) -> tuple[Position, Decimal]:
    """Rules 3 and 4: valued at the average (the last known one below zero)."""
    if after == 0 and position.quantity > 0:
        return Position(after, ZERO, position.unit_cost), -position.value
    value = _cents(quantity * position.unit_cost)
    return Position(after, position.value + value, position.unit_cost), value
