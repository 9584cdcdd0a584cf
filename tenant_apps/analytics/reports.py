"""The stock side of the analytics: value per day and category, movements, products sold most."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import ExitReason, MovementKind, StockDay, StockMovement
from tenant_apps.stock.selectors import movement_query

Group = tuple[str, str]  # (family, category)


class _Totals:
    """Quantity, value and ruptures per group, kept as positions change (one update per changed position,
    not a sum over every position per day)."""

    def __init__(self, groups: dict[int, Group]) -> None:
        self.groups = groups
        self.position: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
        self.sums: dict[Group, list[Any]] = defaultdict(lambda: [Decimal(0), Decimal(0), 0])

    def set(self, product_id: int, site_id: int, quantity: Decimal, value: Decimal) -> Group:
        group = self.groups.get(product_id, ("", ""))
        total = self.sums[group]
        old = self.position.get((product_id, site_id))
        if old is not None:
            total[0] -= old[0]
            total[1] -= old[1]
            total[2] -= old[0] <= 0
        total[0] += quantity
        total[1] += value
        total[2] += quantity <= 0
        self.position[(product_id, site_id)] = (quantity, value)
        return group

    def rows(self, day: date, exits: dict[Group, Decimal]) -> list[dict[str, Any]]:
        return [
            {
                "date": day,
                "family": family,
                "category": category,
                "quantity": quantity,
                "value": value,
                "ruptures": ruptures,
                "rotation": _rotation(exits.get((family, category), Decimal(0)), quantity),
            }
            for (family, category), (quantity, value, ruptures) in sorted(self.sums.items())
        ]


def _rotation(gone: Decimal, quantity: Decimal) -> Decimal | None:
    return (gone / quantity).quantize(Decimal("0.0001")) if quantity > 0 else None


def stock_valuation(*, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Per day with movements in the range, and per family and category: the stock's quantity and value at
    the end of the day (each product and site's last position carried forward), its ruptures (≤ 0), and
    the rotation of the day (units gone / units in stock). One pass over the days, in date order."""
    groups = {
        p: (f or "Non classé", c or "Non classé")
        for p, f, c in Product.objects.values_list("id", "family_name", "category_name")
    }
    totals = _Totals(groups)
    # Each pair's last day before the period, by one DISTINCT ON over the (product, site, date) index.
    earlier = (
        StockDay.objects.filter(date__lt=date_from)
        .order_by("product_id", "site_id", "-date")
        .distinct("product_id", "site_id")
    )
    for product_id, site_id, quantity, value in earlier.values_list(
        "product_id", "site_id", "quantity", "value"
    ):
        totals.set(product_id, site_id, quantity, value)
    rows: list[dict[str, Any]] = []
    exits: dict[Group, Decimal] = defaultdict(Decimal)
    current: date | None = None
    days = StockDay.objects.filter(date__gte=date_from, date__lte=date_to).order_by("date")
    for product_id, site_id, day, quantity, value, gone in days.values_list(
        "product_id", "site_id", "date", "quantity", "value", "exits"
    ):
        if current is not None and day != current:
            rows += totals.rows(current, exits)
            exits.clear()
        current = day
        exits[totals.set(product_id, site_id, quantity, value)] += gone
    if current is not None:
        rows += totals.rows(current, exits)
    return rows


def movements_recent(
    *, date_from: date | None, date_to: date | None, kind: str, limit: int
) -> list[StockMovement]:
    return list(movement_query(date_from=date_from, date_to=date_to, kind=kind)[:limit])


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
