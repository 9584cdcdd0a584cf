"""The dashboard's nine figures as of a reference day (today by default), so that a history can be read.

Stock figures are the positions at the end of the reference day (each product and site's last day up to
it). Sales figures cover the 30 days ending on the reference day, in the tenant's zone, inclusive; margins
and food cost are on the HT base with each dish's recipe at its ingredients' current average cost; the
food cost is that of the dishes that have a recipe.
`depenses_mois` is HT spent in the reference day's month up to that day, on the expenses synthesis's base
(expenses recorded plus the supplier invoices of the purchases centre); None for a caller who may not read
expenses.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Sum

from tenant_apps.catalog.models import Category
from tenant_apps.expenses.selectors import expense_month_total
from tenant_apps.sales.selectors import sales_by_day_and_dish
from tenant_apps.stock.models import StockDay
from tenant_apps.stock.selectors import position_totals_on

WINDOW_DAYS = 30


def _stock_on(day: date) -> tuple[Decimal, int, Decimal, Decimal]:
    """(value, products at or under zero, units in stock, units gone in the window) at the end of `day`."""
    value, units, ruptures = position_totals_on(day=day)
    window = StockDay.objects.filter(date__gt=day - timedelta(days=WINDOW_DAYS), date__lte=day)
    gone = window.aggregate(gone=Sum("exits"))["gone"] or Decimal(0)
    return value, ruptures, units, gone


def dashboard(*, day: date, zone: ZoneInfo, with_expenses: bool = True) -> dict[str, Any]:
    value, ruptures, units, gone = _stock_on(day)
    start = datetime.combine(day - timedelta(days=WINDOW_DAYS - 1), time.min, tzinfo=zone)
    end = datetime.combine(day, time.max, tzinfo=zone)
    days, dishes = sales_by_day_and_dish(start=start, end=end, zone=zone)
    ca_ttc = sum((d["ca_ttc"] for d in days), Decimal(0))
    margin = sum((d["gross_margin"] for d in days), Decimal(0))
    # Food cost over the dishes that have a recipe (the others' cost is unknown, not zero).
    costed = [row for row in dishes if row["food_cost_pct"] is not None]
    costed_ht = sum((row["ca_ht"] for row in costed), Decimal(0))
    costed_cost = costed_ht - sum((row["gross_margin"] for row in costed), Decimal(0))
    food_cost = (costed_cost / costed_ht * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) if costed_ht else None
    return {
        "stock_value": value,
        "ruptures": ruptures,
        # Units gone over the window per unit held at its end: how many times the stock turned.
        "rotation": (gone / units).quantize(Decimal("0.0001"), ROUND_HALF_UP) if units else None,
        "ca_30d": ca_ttc,
        "dishes_sold_30d": sum((d["quantity"] for d in days), Decimal(0)),
        "gross_margin_30d": margin,
        "food_cost_pct": food_cost,
        "expenses_month": expense_month_total(day=day) if with_expenses else None,
        "categories": Category.objects.count(),
    }
