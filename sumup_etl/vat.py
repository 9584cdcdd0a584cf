"""The VAT rate of a till line, from its own HT and TTC.

SumUp leaves ``Taux de TVA`` empty, so the rate is read back from the amounts. The till rounds the HT of
one unit to the cent and multiplies by the quantity (4 x 8,00 TTC at 20 % is 4 x 6,67 = 26,68 HT, not
26,67), so a rate fits when HT is within half a cent per unit of TTC / (1 + rate). On the shared export every
line fits one rate within 0,005 per unit and the next rate is at least 0,015 per unit away. The naive VAT/HT
ratio drifts on small amounts (0,50 TTC at 5.5 % is 0,47 HT, an apparent 6.4 %); this test does not. Of the
legal rates that fit, the closest wins; a line that fits none gets no rate and is reported.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

LEGAL_RATES: tuple[Decimal, ...] = (
    Decimal("0"),
    Decimal("2.1"),
    Decimal("5.5"),
    Decimal("10"),
    Decimal("20"),
)
HT_TOLERANCE_PER_UNIT = Decimal("0.005")
_HUNDRED = Decimal(100)


@lru_cache(maxsize=4096)  # lines repeat: the same product, quantity and price thousands of times
def snap_rate(*, ttc: Decimal, ht: Decimal, quantity: Decimal = Decimal(1)) -> Decimal | None:
    """The legal rate (percent, e.g. ``Decimal("5.5")``) that the amounts of ``quantity`` units imply.

    None when nothing fits, and when TTC is zero (a free line implies no rate at all).
    """
    if ttc == 0 or (ttc > 0) != (ht >= 0):
        return None
    tolerance = HT_TOLERANCE_PER_UNIT * max(Decimal(1), abs(quantity))
    best: tuple[Decimal, Decimal] | None = None
    for rate in LEGAL_RATES:
        gap = abs(ttc * _HUNDRED / (_HUNDRED + rate) - ht)
        if gap <= tolerance and (best is None or gap < best[0]):
            best = (gap, rate)
    return best[1] if best else None


def implied_rate(*, ht: Decimal, vat: Decimal) -> Decimal | None:
    """VAT / HT in percent, two decimals: what the figures say before snapping (for reports)."""
    if ht == 0:
        return None
    return (vat * _HUNDRED / ht).quantize(Decimal("0.01"))
