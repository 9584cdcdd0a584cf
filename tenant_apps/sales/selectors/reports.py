"""Sales reports over the till's lines."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Sum

from ..models import DailySales, DailySalesState, Dish, OrderLine, RecipeLine
from .costs import CENT, dish_costs

# Every till sale is the restaurant's (the one channel a SumUp export describes).
CHANNEL = "restaurant"


def _recipe_costs() -> dict[int, Decimal]:
    """The material cost of each dish that has a recipe (as dish_costs has it)."""
    dishes = Dish.objects.filter(pk__in=RecipeLine.objects.values("dish_id"))
    return {dish_id: cost.material_cost for dish_id, cost in dish_costs(dishes=dishes).items()}


_INSTANT = timedelta(microseconds=1)  # PostgreSQL's resolution: the instant before a day's first

# Per local day, and per dish, over the window: the sums of its whole days' rows and of the lines of the
# partial days at either end (a lunch service, a till session), with the material cost of what was sold
# (each dish's cost given as arrays). One statement; GROUPING(day) = 1 marks the per-dish rows.
_SALES = """
WITH sold AS (
    SELECT day, dish_id, quantity, ca_ttc, ca_ht FROM {days} WHERE day >= %(first)s AND day <= %(last)s
    UNION ALL
    SELECT (closed_at AT TIME ZONE %(zone)s)::date, dish_id, quantity, ca_ttc, ca_ht FROM {lines}
    WHERE closed_at >= %(start)s AND closed_at <= %(head_end)s
    UNION ALL
    SELECT (closed_at AT TIME ZONE %(zone)s)::date, dish_id, quantity, ca_ttc, ca_ht FROM {lines}
    WHERE closed_at >= %(tail_start)s AND closed_at <= %(end)s
)
SELECT GROUPING(s.day), s.day, s.dish_id, sum(s.quantity), sum(s.ca_ttc), sum(s.ca_ht),
    sum(s.quantity * COALESCE(c.cost, 0))
FROM sold s LEFT JOIN unnest(%(dishes)s::bigint[], %(costs)s::numeric[]) AS c(dish_id, cost)
    ON c.dish_id = s.dish_id
GROUP BY GROUPING SETS ((s.day), (s.dish_id))
ORDER BY 2, 3
"""


def _whole_days(*, start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date] | None:
    """The first and last local days lying wholly inside [start, end], if any."""
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    if datetime.combine(first, time.min, tzinfo=zone) < start:
        first += timedelta(days=1)
    if end < datetime.combine(last, time.max, tzinfo=zone):
        last -= timedelta(days=1)
    return (first, last) if first <= last else None


def _window(*, start: datetime, end: datetime, zone: ZoneInfo) -> dict[str, Any]:
    """Where each part of [start, end] is read from: the whole days from DailySales when it holds every
    line in `zone`, the rest (or all of it) from the lines."""
    days = _whole_days(start=start, end=end, zone=zone)
    if days is None or not DailySalesState.objects.filter(zone=zone.key).exists():
        # No day from the days' table (first > last); the lines of the whole window as the head.
        return {"first": date.max, "last": date.min, "head_end": end, "tail_start": end + _INSTANT}
    first, last = days
    return {
        "first": first,
        "last": last,
        "head_end": datetime.combine(first, time.min, tzinfo=zone) - _INSTANT,
        "tail_start": datetime.combine(last, time.max, tzinfo=zone) + _INSTANT,
    }


def _sums(
    *, start: datetime, end: datetime, zone: ZoneInfo, costs: dict[int, Decimal]
) -> list[tuple[Any, ...]]:
    sql = _SALES.format(days=DailySales._meta.db_table, lines=OrderLine._meta.db_table)
    params = _window(start=start, end=end, zone=zone) | {"start": start, "end": end, "zone": zone.key}
    params |= {"dishes": list(costs), "costs": list(costs.values())}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _margin(ca_ht: Decimal, cost: Decimal) -> Decimal:
    return (ca_ht - cost).quantize(CENT, ROUND_HALF_UP)


def _dish_row(dish_id: int, sums: tuple[Decimal, ...], *, has_recipe: bool) -> dict[str, Any]:
    """A dish's sums (quantity, CA TTC, CA HT, material cost of what was sold) with its gross margin and
    food cost % (None without a recipe or revenue)."""
    quantity, ca_ttc, ca_ht, cost = sums
    known = has_recipe and ca_ht > 0
    pct = (cost / ca_ht * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) if known else None
    return {"dish_id": dish_id, "quantity": quantity, "ca_ttc": ca_ttc, "ca_ht": ca_ht,
            "gross_margin": _margin(ca_ht, cost), "food_cost_pct": pct}  # fmt: skip


def sales_by_day(*, start: datetime, end: datetime, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Per local day (in `zone`) and channel, the lines of the orders closed in [start, end] (inclusive).

    Amounts are the till's own (TTC and HT as sold, discounts already taken off). `gross_margin` is on the
    HT base: revenue HT minus the material cost (each dish's recipe at its ingredients' current average
    cost) of the dishes sold; a dish without a recipe counts no cost (the unlinked-revenue gauge says how
    much revenue that is).
    """
    return sales_by_day_and_dish(start=start, end=end, zone=zone)[0]


def sales_by_day_and_dish(
    *, start: datetime, end: datetime, zone: ZoneInfo
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """sales_by_day's days, and per dish sold (lines without a dish left out) its quantity, revenue, gross
    margin and food cost % as top_dishes has them, from one read of the sales."""
    costs = _recipe_costs()
    days: list[dict[str, Any]] = []
    dishes: list[dict[str, Any]] = []
    for per_dish, day, dish_id, quantity, ca_ttc, ca_ht, cost in _sums(
        start=start, end=end, zone=zone, costs=costs
    ):
        if not per_dish:
            days.append({"date": day, "channel": CHANNEL, "quantity": quantity, "ca_ttc": ca_ttc,
                         "ca_ht": ca_ht, "gross_margin": _margin(ca_ht, cost)})  # fmt: skip
        elif dish_id is not None:
            sums = (quantity, ca_ttc, ca_ht, cost)
            dishes.append(_dish_row(dish_id, sums, has_recipe=dish_id in costs))
    return days, dishes


def top_dishes(*, start: datetime, end: datetime, zone: ZoneInfo, limit: int) -> list[dict[str, Any]]:
    """The dishes sold in [start, end] with their quantity, revenue, gross margin (HT base, as
    sales_by_day) and food cost %; ranked by margin (rang_marge) and by quantity (rang_volume)."""
    rows = sales_by_day_and_dish(start=start, end=end, zone=zone)[1]
    names = dict(Dish.objects.filter(pk__in=[row["dish_id"] for row in rows]).values_list("id", "name"))
    for row in rows:
        row["dish__name"] = names[row["dish_id"]]
    for rank, row in enumerate(sorted(rows, key=lambda r: (-r["quantity"], r["dish__name"])), start=1):
        row["volume_rank"] = rank
    rows.sort(key=lambda r: (-r["gross_margin"], r["dish__name"]))
    for rank, row in enumerate(rows, start=1):
        row["margin_rank"] = rank
    return rows[:limit]


def unlinked_revenue(*, start: datetime, end: datetime, top: int = 20) -> dict[str, Any]:
    """How much of the revenue (TTC) of the orders closed in [start, end] comes from dishes without a
    recipe (or lines with no dish): what the theoretical consumption does not cover yet.

    One pass over the lines, summed per till name and dish; whether a dish has a recipe is decided per
    group (a few hundred), not per line."""
    groups = list(
        OrderLine.objects.filter(closed_at__gte=start, closed_at__lte=end)
        .values("product_name", "dish_id")
        .annotate(ca_ttc=Sum("ca_ttc"))
        .order_by()
    )
    with_recipe = set(RecipeLine.objects.values_list("dish_id", flat=True).distinct())
    total = sum((g["ca_ttc"] for g in groups), Decimal(0))
    linked = sum((g["ca_ttc"] for g in groups if g["dish_id"] in with_recipe), Decimal(0))
    unlinked = total - linked
    share = (unlinked / total * 100).quantize(Decimal("0.1")) if total else Decimal(0)
    missing = sorted(
        (g for g in groups if g["dish_id"] not in with_recipe),
        key=lambda g: (-g["ca_ttc"], g["product_name"], g["dish_id"] or 0),
    )
    return {"total": total, "linked": linked, "unlinked": unlinked, "unlinked_pct": share,
            "missing": missing[:top]}  # fmt: skip
