"""The stock side of the analytics: value per day and category, movements, products sold most."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import ExitReason, MovementKind, StockDay, StockMovement

Group = tuple[str, str]  # (family, category)


def stock_valuation(*, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Per day with movements in the range, and per family and category: the stock's quantity and value at
    the end of the day (each product and site's last position carried forward), its ruptures (≤ 0), and
    the rotation of the day (units gone / units in stock). One pass over the days, in date order."""
    groups = {
        p: (f or "Non classé", c or "Non classé")
        for p, f, c in Product.objects.values_list("id", "family_name", "category_name")
    }
    position: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
    earlier = StockDay.objects.filter(date__lt=date_from).order_by("product_id", "site_id", "date")
    for key_product, key_site, quantity, value in earlier.values_list(
        "product_id", "site_id", "quantity", "value"
    ):
        position[(key_product, key_site)] = (quantity, value)
    rows: list[dict[str, Any]] = []
    exits: dict[Group, Decimal] = defaultdict(Decimal)
    current: date | None = None
    days = StockDay.objects.filter(date__gte=date_from, date__lte=date_to).order_by("date")
    for product_id, site_id, day, quantity, value, gone in days.values_list(
        "product_id", "site_id", "date", "quantity", "value", "exits"
    ):
        if current is not None and day != current:
            rows += _day_rows(current, position, groups, exits)
            exits.clear()
        current = day
        position[(product_id, site_id)] = (quantity, value)
        exits[groups.get(product_id, ("", ""))] += gone
    if current is not None:
        rows += _day_rows(current, position, groups, exits)
    return rows


def _day_rows(
    day: date,
    position: dict[tuple[int, int], tuple[Decimal, Decimal]],
    groups: dict[int, Group],
    exits: dict[Group, Decimal],
) -> list[dict[str, Any]]:
    totals: dict[Group, list[Any]] = defaultdict(lambda: [Decimal(0), Decimal(0), 0])
    for (product_id, _), (quantity, value) in position.items():
        total = totals[groups.get(product_id, ("", ""))]
        total[0] += quantity
        total[1] += value
        total[2] += quantity <= 0
    return [
        {
            "date": day,
            "family": family,
            "category": category,
            "quantity": quantity,
            "value": value,
            "ruptures": ruptures,
            "rotation": (exits.get((family, category), Decimal(0)) / quantity).quantize(Decimal("0.0001"))
            if quantity > 0
            else None,
        }
        for (family, category), (quantity, value, ruptures) in sorted(totals.items())
    ]


def movements_recent(
    *, date_from: date | None, date_to: date | None, kind: str, limit: int
) -> list[StockMovement]:
    movements = StockMovement.objects.select_related("product")
    if date_from is not None:
        movements = movements.filter(date__gte=date_from)
    if date_to is not None:
        movements = movements.filter(date__lte=date_to)
    if kind:
        movements = movements.filter(kind=kind)
    return list(movements.order_by("-date", "-id")[:limit])


def products_top(*, limit: int) -> list[dict[str, Any]]:
    """The products sold most (sale exits): units, turnover at the selling price, margin over their cost."""
    sold = (
        StockMovement.objects.filter(kind=MovementKind.EXIT, reason=ExitReason.SALE)
        .values("product_id")
        .annotate(units=Sum("quantity"), cost=Sum("value"))
        .order_by("units", "product_id")[:limit]
    )
    products = Product.objects.in_bulk([row["product_id"] for row in sold])
    rows = []
    for row in sold:
        product = products[row["product_id"]]
        units, cost = -row["units"], -row["cost"]
        turnover = (
            (units * product.selling_price).quantize(Decimal("0.01")) if product.selling_price else None
        )
        margin = turnover - cost if turnover is not None else None
        rows.append(
            {
                "product": product.designation,
                "units": units,
                "turnover": turnover,
                "margin": margin,
                "margin_pct": (margin * 100 / turnover).quantize(Decimal("0.1"))
                if margin is not None and turnover
                else None,
            }
        )
    return rows
