"""What each article line of an invoice cost, for the stock ENTREE it becomes.

A line's cost is its amount HT, plus the COTIS printed under it (a non-recoverable levy is part of the cost),
plus the discounts printed under it (negative). COTIS and discounts always follow their article; one whose
article is missing (never seen on the corpus) is spread over the lines in proportion to their amounts, the
rounding remainder on the largest line. The costs of an invoice therefore add up to Σ articles + Σ COTIS +
Σ discounts, which is its printed Total HT on every reconciled document. A credit note's lines are negative
and cost their printed (negative) amounts. Deposit refunds and down-payment documents move no stock.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from metro_etl import DocType, ParsedInvoice

CENT = Decimal("0.01")
STOCK_DOCUMENTS = frozenset({DocType.INVOICE, DocType.CREDIT_NOTE})


def moves_stock(parsed: ParsedInvoice) -> bool:
    return parsed.doc_type in STOCK_DOCUMENTS


def line_costs(parsed: ParsedInvoice) -> dict[int, Decimal]:
    """The cost of each article line, by its printed position."""
    costs = {line.position: line.amount for line in parsed.lines}
    unplaced = Decimal(0)
    extras = [(c.after_position, c.amount) for c in parsed.cotis_lines]
    extras += [(d.after_position, d.amount) for d in parsed.discount_lines]
    for position, amount in extras:
        if position in costs:
            costs[position] += amount
        else:
            unplaced += amount
    if unplaced and costs:
        _spread(costs, unplaced)
    return costs


def _spread(costs: dict[int, Decimal], amount: Decimal) -> None:
    """Share `amount` over the lines in proportion to their costs, to the cent, summing exactly."""
    weights = {position: abs(cost) for position, cost in costs.items()}
    whole = sum(weights.values()) or Decimal(len(weights))
    shares = {
        position: (amount * (weights[position] or 1) / whole).quantize(CENT, rounding=ROUND_DOWN)
        for position in costs
    }
    largest = max(costs, key=lambda position: weights[position])
    shares[largest] += amount - sum(shares.values())
    for position, share in shares.items():
        costs[position] += share
