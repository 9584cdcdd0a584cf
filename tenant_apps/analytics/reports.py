"""The stock side of the analytics: value per day and category, movements, products sold most."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum

from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import StockDay, StockLevel

Group = tuple[str, str]  # (family, category)


_GROUP = (
    "COALESCE(NULLIF(p.family_name, ''), 'Non classé'), COALESCE(NULLIF(p.category_name, ''), 'Non classé')"
)

# Per group, the positions before the period (each pair's last day before it: one probe of the
# (product, site, date) index per pair of the levels) and, per day in the period, how the day's positions
# changed them: the day's quantity and value minus the pair's previous ones (its day before, by LAG, or its
# position before the period), and the ruptures that began or ended. The running totals are sums of those.
_VALUATION = """
WITH before AS (
    SELECT l.product_id, l.site_id, d.quantity, d.value FROM {level} l
    CROSS JOIN LATERAL (
        SELECT quantity, value FROM {day} s WHERE s.product_id = l.product_id AND s.site_id = l.site_id
        AND s.date < %(start)s ORDER BY s.date DESC LIMIT 1
    ) d
), days AS (
    SELECT s.product_id, s.date, s.quantity, s.value, s.exits,
        COALESCE(lag(s.quantity) OVER w, b.quantity) AS was_quantity,
        COALESCE(lag(s.value) OVER w, b.value, 0) AS was_value
    FROM {day} s LEFT JOIN before b ON b.product_id = s.product_id AND b.site_id = s.site_id
    WHERE s.date >= %(start)s AND s.date <= %(end)s
    WINDOW w AS (PARTITION BY s.product_id, s.site_id ORDER BY s.date)
)
SELECT NULL::date, {group}, sum(b.quantity), sum(b.value), count(*) FILTER (WHERE b.quantity <= 0), 0
FROM before b JOIN {product} p ON p.id = b.product_id GROUP BY 2, 3
UNION ALL
SELECT d.date, {group}, sum(d.quantity - COALESCE(d.was_quantity, 0)), sum(d.value - d.was_value),
    sum((d.quantity <= 0)::int - (d.was_quantity IS NOT NULL AND d.was_quantity <= 0)::int), sum(d.exits)
FROM days d JOIN {product} p ON p.id = d.product_id GROUP BY 1, 2, 3
ORDER BY 1 NULLS FIRST
"""


def _rotation(gone: Decimal, quantity: Decimal) -> Decimal | None:
    return (gone / quantity).quantize(Decimal("0.0001")) if quantity > 0 else None


def stock_valuation(*, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Per day with movements in the range, and per family and category: the stock's quantity and value at
    the end of the day (each product and site's last position carried forward), its ruptures (≤ 0), and
    the rotation of the day (units gone / units in stock). Summed by PostgreSQL per day and group; here the
    running totals, one step per group and day."""
    sql = _VALUATION.format(
        level=StockLevel._meta.db_table,
        day=StockDay._meta.db_table,
        product=Product._meta.db_table,
        group=_GROUP,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": date_from, "end": date_to})
        changes = cursor.fetchall()
    sums: dict[Group, list[Any]] = {}  # quantity, value, ruptures
    rows: list[dict[str, Any]] = []
    gone: dict[Group, Decimal] = {}
    current: date | None = None
    for day, family, category, quantity, value, ruptures, exits in changes:
        if day != current:
            if current is not None:
                rows += _day_rows(current, sums, gone)
            current, gone = day, {}
        total = sums.setdefault((family, category), [Decimal(0), Decimal(0), 0])
        total[0], total[1], total[2] = total[0] + quantity, total[1] + value, total[2] + ruptures
        gone[(family, category)] = exits
    if current is not None:
        rows += _day_rows(current, sums, gone)
    return rows


def _day_rows(day: date, sums: dict[Group, list[Any]], gone: dict[Group, Decimal]) -> list[dict[str, Any]]:
    return [
        {
            "date": day,
            "family": family,
            "category": category,
            "quantity": quantity,
            "value": value,
            "ruptures": ruptures,
            "rotation": _rotation(gone.get((family, category), Decimal(0)), quantity),
        }
        for (family, category), (quantity, value, ruptures) in sorted(sums.items())
    ]


def products_top(*, limit: int) -> list[dict[str, Any]]:
    """The products sold most (sale exits): units, turnover at the selling price, margin over their cost."""
    # The levels' running totals of the valued sale exits: one row per product and site, not per sale.
    sold = (
        StockLevel.objects.filter(sold__gt=0)
        .values("product_id")
        .annotate(units=Sum("sold"), cost=Sum("sold_value"))
        .order_by("-units", "product_id")[:limit]
    )
    products = Product.objects.in_bulk([row["product_id"] for row in sold])
    rows = []
    for row in sold:
        product = products[row["product_id"]]
        units, cost = row["units"], row["cost"]
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
