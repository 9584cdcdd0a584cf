"""Reads of the stock app: sites, positions on a day, stock per product, movements."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum

from .avco import Position
from .models import MovementKind, Site, StockCount, StockDay, StockLevel, StockMovement

CONSUMPTION_DAYS = 30


def site_list() -> list[Site]:
    return list(Site.objects.order_by("id"))


def site_get(*, site_id: int) -> Site | None:
    return Site.objects.filter(pk=site_id).first()


def position_on(*, product_id: int, site_id: int, day: date) -> Position:
    """The position at the end of `day` (the last day with movements up to it)."""
    row = (
        StockDay.objects.filter(product_id=product_id, site_id=site_id, date__lte=day)
        .order_by("-date")
        .values_list("quantity", "value", "unit_cost")
        .first()
    )
    return Position(*row) if row else Position()


_POSITIONS_ON = """
SELECT l.product_id, d.quantity, d.value
FROM {level} l
CROSS JOIN LATERAL (
    SELECT quantity, value FROM {day} s
    WHERE s.product_id = l.product_id AND s.site_id = l.site_id AND s.date <= %(day)s
    ORDER BY s.date DESC LIMIT 1
) d
"""
_CURRENT = "SELECT product_id, quantity, value FROM {level}"
_TOTALS = """
WITH positions AS ({positions})
SELECT COALESCE(sum(value), 0), COALESCE(sum(GREATEST(quantity, 0)), 0),
    (SELECT count(*) FROM (SELECT 1 FROM positions GROUP BY product_id HAVING sum(quantity) <= 0) r)
FROM positions
"""


def position_totals_on(*, day: date) -> tuple[Decimal, Decimal, int]:
    """At the end of `day`: the stock's value, the units held (positive positions only) and how many
    products are at or under zero over their sites, of every pair that had moved by then.

    The pairs are the current levels' (one per pair that ever moved); each one's last day up to `day` is
    one probe of the (product, site, date) index, so the cost follows the pairs, not the days stored. When
    nothing moved after `day`, those are the current levels themselves. Summed by PostgreSQL.
    """
    level, days = StockLevel._meta.db_table, StockDay._meta.db_table
    current = not StockDay.objects.filter(date__gt=day).exists()
    positions = (_CURRENT if current else _POSITIONS_ON).format(level=level, day=days)
    with connection.cursor() as cursor:
        cursor.execute(_TOTALS.format(positions=positions), {"day": day})
        value, units, ruptures = cursor.fetchone() or (Decimal(0), Decimal(0), 0)
    return value, units, int(ruptures)


_PAIRS_ON = """
SELECT p.id, d.quantity, d.value, d.unit_cost
FROM unnest(%s::bigint[]) AS p(id)
CROSS JOIN LATERAL (
    SELECT quantity, value, unit_cost FROM {day} s
    WHERE s.product_id = p.id AND s.site_id = %s AND s.date <= %s
    ORDER BY s.date DESC LIMIT 1
) d
"""


def positions_at_site(*, site_id: int, day: date, product_ids: Iterable[int]) -> dict[int, Position]:
    """position_on of several products at one site, in one statement (one index probe per product); a
    product that had not moved there by `day` is left out."""
    with connection.cursor() as cursor:
        cursor.execute(_PAIRS_ON.format(day=StockDay._meta.db_table), [list(set(product_ids)), site_id, day])
        return {
            product: Position(quantity, value, cost) for product, quantity, value, cost in cursor.fetchall()
        }


def stock_by_product(*, site_id: int | None = None) -> dict[int, tuple[Decimal, Decimal]]:
    """(quantity, value) now, per product, summed over the sites (or at one)."""
    levels = StockLevel.objects.all()
    if site_id is not None:
        levels = levels.filter(site_id=site_id)
    totals: dict[int, tuple[Decimal, Decimal]] = {}
    for product_id, quantity, value in levels.values_list("product_id", "quantity", "value"):
        before = totals.get(product_id, (Decimal(0), Decimal(0)))
        totals[product_id] = (before[0] + quantity, before[1] + value)
    return totals


def stock_levels_of(*, product_id: int) -> list[StockLevel]:
    """The product's position now at each site where it has one."""
    return list(StockLevel.objects.filter(product_id=product_id).select_related("site").order_by("site_id"))


def count_dates(*, site_id: int) -> list[date]:
    """The days on which the site was counted, latest first."""
    days = StockCount.objects.filter(site_id=site_id).order_by("-date").values_list("date", flat=True)
    return list(days.distinct())


def consumption_30d(*, product_ids: list[int], today: date, site_id: int | None = None) -> dict[int, Decimal]:
    """Units gone per day over the last 30 days (exits and negative counts), per product."""
    days = StockDay.objects.filter(
        product_id__in=product_ids, date__gt=today - timedelta(days=CONSUMPTION_DAYS)
    )
    if site_id is not None:
        days = days.filter(site_id=site_id)
    rows = days.values("product_id").annotate(gone=Sum("exits")).values_list("product_id", "gone")
    return {product_id: gone / CONSUMPTION_DAYS for product_id, gone in rows}


def movement_latest(
    *, date_from: date | None = None, date_to: date | None = None, kind: str = "", limit: int
) -> list[StockMovement]:
    """The `limit` latest movements (by date, then id) in the period, of one kind or of all.

    Read through the (kind, date, id) index: per kind, its latest `limit` are one backward index range; all
    kinds are the latest `limit` of those few lists. A million movements read that way cost as much as a
    thousand, where a sort of every movement in the period would grow with the history.
    """
    kinds = [kind] if kind else list(MovementKind.values)
    movements = StockMovement.objects.all()
    if date_from is not None:
        movements = movements.filter(date__gte=date_from)
    if date_to is not None:
        movements = movements.filter(date__lte=date_to)
    latest: list[tuple[date, int]] = []
    for one in kinds:
        latest += movements.filter(kind=one).order_by("-date", "-id").values_list("date", "id")[:limit]
    ids = [movement_id for _, movement_id in sorted(latest, reverse=True)[:limit]]
    return list(StockMovement.objects.select_related("product").filter(id__in=ids).order_by("-date", "-id"))


def stock_totals() -> dict[str, Any]:
    quantity, value = Decimal(0), Decimal(0)
    for q, v in stock_by_product().values():
        quantity, value = quantity + q, value + v
    return {"quantity": quantity, "value": value}
