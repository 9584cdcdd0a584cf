"""Sales reports over the till's lines."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.db.models.functions import TruncDate

from ..models import DailySales, DailySalesState, Dish, OrderLine, RecipeLine
from .costs import CENT, dish_costs

# Every till sale is the restaurant's (the one channel a SumUp export describes).
CHANNEL = "restaurant"


def _dish_material_costs(dish_ids: set[int]) -> dict[int, Decimal]:
    dishes = Dish.objects.filter(pk__in=dish_ids)
    return {
        dish_id: cost.material_cost for dish_id, cost in dish_costs(dishes=dishes).items() if cost.has_recipe
    }


_SUMS = {"quantity": Sum("quantity"), "ca_ttc": Sum("ca_ttc"), "ca_ht": Sum("ca_ht")}
_INSTANT = timedelta(microseconds=1)  # PostgreSQL's resolution: the instant before a day's first


def _line_rows(*, start: datetime, end: datetime, zone: ZoneInfo) -> list[dict[str, Any]]:
    lines = OrderLine.objects.filter(closed_at__gte=start, closed_at__lte=end)
    rows = lines.annotate(day=TruncDate("closed_at", tzinfo=zone)).values("day", "dish_id").annotate(**_SUMS)
    return list(rows.order_by("day"))


def _whole_days(*, start: datetime, end: datetime, zone: ZoneInfo) -> tuple[date, date] | None:
    """The first and last local days lying wholly inside [start, end], if any."""
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    if datetime.combine(first, time.min, tzinfo=zone) < start:
        first += timedelta(days=1)
    if end < datetime.combine(last, time.max, tzinfo=zone):
        last -= timedelta(days=1)
    return (first, last) if first <= last else None


def _by_day_and_dish(*, start: datetime, end: datetime, zone: ZoneInfo) -> list[dict[str, Any]]:
    """Per local day and dish, the sums of the lines closed in [start, end], in day order.

    The whole days come from DailySales (a row per day and dish) when it holds every line in `zone`; the
    partial days at either end of the window (a lunch service, a till session) from the lines themselves.
    """
    days = _whole_days(start=start, end=end, zone=zone)
    if days is None or not DailySalesState.objects.filter(zone=zone.key).exists():
        return _line_rows(start=start, end=end, zone=zone)
    first, last = days
    days_in = DailySales.objects.filter(day__gte=first, day__lte=last)
    whole: list[dict[str, Any]] = list(days_in.values("day", "dish_id").annotate(**_SUMS).order_by("day"))
    head_end = datetime.combine(first, time.min, tzinfo=zone) - _INSTANT
    tail_start = datetime.combine(last, time.max, tzinfo=zone) + _INSTANT
    head = _line_rows(start=start, end=head_end, zone=zone) if start <= head_end else []
    tail = _line_rows(start=tail_start, end=end, zone=zone) if tail_start <= end else []
    return head + whole + tail


def _days(rows: list[dict[str, Any]], costs: dict[int, Decimal]) -> list[dict[str, Any]]:
    days: dict[Any, dict[str, Any]] = {}
    for row in rows:
        if row["day"] not in days:
            days[row["day"]] = {"date": row["day"], "channel": CHANNEL, "cost": Decimal(0)}
            days[row["day"]] |= {"quantity": Decimal(0), "ca_ttc": Decimal(0), "ca_ht": Decimal(0)}
        day = days[row["day"]]
        day["quantity"] += row["quantity"]
        day["ca_ttc"] += row["ca_ttc"]
        day["ca_ht"] += row["ca_ht"]
        day["cost"] += row["quantity"] * costs.get(row["dish_id"], Decimal(0))
    for day in days.values():
        day["gross_margin"] = (day["ca_ht"] - day.pop("cost")).quantize(CENT, ROUND_HALF_UP)
    return list(days.values())


def _costed(row: dict[str, Any], costs: dict[int, Decimal]) -> dict[str, Any]:
    """A dish's sums with its gross margin and food cost % (None without a recipe or revenue)."""
    cost = row["quantity"] * costs.get(row["dish_id"], Decimal(0))
    row["gross_margin"] = (row["ca_ht"] - cost).quantize(CENT, ROUND_HALF_UP)
    known = row["dish_id"] in costs and row["ca_ht"] > 0
    row["food_cost_pct"] = (
        (cost / row["ca_ht"] * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) if known else None
    )
    return row


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
    margin and food cost % as top_dishes has them, from one read of the lines."""
    rows = _by_day_and_dish(start=start, end=end, zone=zone)
    costs = _dish_material_costs({row["dish_id"] for row in rows if row["dish_id"] is not None})
    dishes: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["dish_id"] is None:
            continue
        sums = dishes.setdefault(row["dish_id"], {"dish_id": row["dish_id"], "quantity": Decimal(0),
                                                  "ca_ttc": Decimal(0), "ca_ht": Decimal(0)})  # fmt: skip
        for name in ("quantity", "ca_ttc", "ca_ht"):
            sums[name] += row[name]
    return _days(rows, costs), [_costed(row, costs) for row in dishes.values()]


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
