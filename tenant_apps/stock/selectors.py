"""Reads of the stock app: sites, positions on a day, stock per product, movements."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from .avco import Position
from .models import Site, StockCount, StockDay, StockLevel, StockMovement

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


def movement_query(
    *, date_from: date | None = None, date_to: date | None = None, kind: str = ""
) -> QuerySet[StockMovement]:
    movements = StockMovement.objects.select_related("product")
    if date_from is not None:
        movements = movements.filter(date__gte=date_from)
    if date_to is not None:
        movements = movements.filter(date__lte=date_to)
    if kind:
        movements = movements.filter(kind=kind)
    return movements.order_by("-date", "-id")


def stock_totals() -> dict[str, Any]:
    quantity, value = Decimal(0), Decimal(0)
    for q, v in stock_by_product().values():
        quantity, value = quantity + q, value + v
    return {"quantity": quantity, "value": value}
