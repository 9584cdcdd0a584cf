"""The stock side of the analytics: value per day and category, movements, products sold most."""

from __future__ import annotations

from datetime import date, timedelta
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

# The position of each pair before the period: its last day before it, one probe of the (product, site,
# date) index per pair of the levels, whatever the period. For a recent period, cheaper: its level now less
# every change since the period began (each row's change is its position less its previous one, which the
# row keeps), summed over the few days since; a pair whose first day is in there had no position before.
_BEFORE_PROBED = """
SELECT l.product_id, l.site_id, d.quantity, d.value FROM {level} l
CROSS JOIN LATERAL (
    SELECT quantity, value FROM {day} s WHERE s.product_id = l.product_id AND s.site_id = l.site_id
    AND s.date < %(start)s ORDER BY s.date DESC LIMIT 1
) d
"""
_BEFORE_RECENT = """
SELECT l.product_id, l.site_id, l.quantity - COALESCE(c.quantity, 0), l.value - COALESCE(c.value, 0)
FROM {level} l LEFT JOIN (
    SELECT product_id, site_id, sum(quantity - COALESCE(prev_quantity, 0)) AS quantity,
        sum(value - COALESCE(prev_value, 0)) AS value, bool_or(prev_quantity IS NULL) AS born
    FROM {day} WHERE date >= %(start)s GROUP BY 1, 2
) c ON c.product_id = l.product_id AND c.site_id = l.site_id
WHERE NOT COALESCE(c.born, false)
"""
RECENT_DAYS = 62  # up to two months back the changes since are fewer rows than the pairs' probes

# Per group, the positions before the period and, per day in the period, how the day's positions changed
# them: each row's quantity and value less its pair's previous ones (kept on the row), and the ruptures
# that began or ended. The running totals are sums of those. The period's rows are read from the (date)
# index alone, which carries those columns.
_VALUATION = """
WITH before(product_id, site_id, quantity, value) AS ({before})
SELECT NULL::date, {group}, sum(b.quantity), sum(b.value), count(*) FILTER (WHERE b.quantity <= 0), 0
FROM before b JOIN {product} p ON p.id = b.product_id GROUP BY 2, 3
UNION ALL
SELECT s.date, {group}, sum(s.quantity - COALESCE(s.prev_quantity, 0)),
    sum(s.value - COALESCE(s.prev_value, 0)),
    sum((s.quantity <= 0)::int - (s.prev_quantity IS NOT NULL AND s.prev_quantity <= 0)::int), sum(s.exits)
FROM {day} s JOIN {product} p ON p.id = s.product_id
WHERE s.date >= %(start)s AND s.date <= %(end)s
GROUP BY 1, 2, 3
ORDER BY 1 NULLS FIRST
"""


def _rotation(gone: Decimal, quantity: Decimal) -> Decimal | None:
    return (gone / quantity).quantize(Decimal("0.0001")) if quantity > 0 else None


def stock_valuation(*, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Per day with movements in the range, and per family and category: the stock's quantity and value at
    the end of the day (each product and site's last position carried forward), its ruptures (≤ 0), and
    the rotation of the day (units gone / units in stock). Summed by PostgreSQL per day and group; here the
    running totals, one step per group and day."""
    tables = {"level": StockLevel._meta.db_table, "day": StockDay._meta.db_table}
    recent = date_from >= date.today() - timedelta(days=RECENT_DAYS)  # noqa: DTZ011 - a cost estimate only
    before = (_BEFORE_RECENT if recent else _BEFORE_PROBED).format(**tables)
    sql = _VALUATION.format(before=before, product=Product._meta.db_table, group=_GROUP, **tables)
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
