"""Sales reports over the till's lines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from ..models import OrderLine, RecipeLine

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


def unlinked_revenue(*, start: datetime, end: datetime, top: int = 20) -> dict[str, Any]:
    """How much of the revenue (TTC) of the orders closed in [start, end] comes from dishes without a
    recipe (or lines with no dish): what the theoretical consumption does not cover yet."""
    lines = OrderLine.objects.filter(closed_at__gte=start, closed_at__lte=end)
    with_recipe = Exists(RecipeLine.objects.filter(dish_id=OuterRef("dish_id")))
    totals = lines.aggregate(
        total=Coalesce(Sum("ca_ttc"), Decimal(0)),
        linked=Coalesce(Sum("ca_ttc", filter=Q(with_recipe)), Decimal(0)),
    )
    unlinked = totals["total"] - totals["linked"]
    share = (unlinked / totals["total"] * 100).quantize(Decimal("0.1")) if totals["total"] else Decimal(0)
    missing = (
        lines.filter(~Q(with_recipe))
        .values("product_name", "dish_id")
        .annotate(ca_ttc=Sum("ca_ttc"))
        .order_by("-ca_ttc", "product_name")[:top]
    )
    return {
        "total": totals["total"],
        "linked": totals["linked"],
        "unlinked": unlinked,
        "unlinked_pct": share,
        "missing": list(missing),
    }
