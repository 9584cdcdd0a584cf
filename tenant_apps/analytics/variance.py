"""Theoretical against actual stock between two counts of a site (the "AvT" report).

Per product: the opening count (or the position at the end of the opening day when the product was not
counted then), the entries and theoretical exits between the two days (the opening day excluded, the
closing day included; sales through recipes apart from the other exits: losses, staff meals, offered,
transfers out), the expected closing, the closing count, and the variance in quantity and in value (at the
average cost at the closing day). Count adjustments between the two counts are not exits: they are what
the report measures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from shared_apps.core.exceptions import ValidationFailed
from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import (
    ExitReason,
    MovementKind,
    Site,
    StockCount,
    StockCountLine,
    StockMovement,
)
from tenant_apps.stock.selectors import positions_at_site

ZERO = Decimal(0)


@dataclass(frozen=True)
class _Flows:
    entries: Decimal
    sales: Decimal
    other_exits: Decimal


def _count_on(*, site: Site, day: date) -> dict[int, Decimal]:
    count = StockCount.objects.filter(site=site, date=day).order_by("-created_at", "-id").first()
    if count is None:
        raise ValidationFailed(f"No count at this site on {day.isoformat()}.", code="no_count",
                               details={"date": day.isoformat()})  # fmt: skip
    return dict(StockCountLine.objects.filter(count=count).values_list("product_id", "counted"))


def _positions(*, site: Site, day: date, product_ids: set[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """(quantity, unit cost) at the end of `day` per product: its last day up to it."""
    positions = positions_at_site(site_id=site.pk, day=day, product_ids=product_ids)
    return {product_id: (p.quantity, p.unit_cost) for product_id, p in positions.items()}


def _flows(*, site: Site, start: date, end: date, product_ids: set[int]) -> dict[int, _Flows]:
    moves = StockMovement.objects.filter(
        site=site, product_id__in=product_ids, date__gt=start, date__lte=end
    ).exclude(kind=MovementKind.COUNT)
    sale = Q(kind=MovementKind.EXIT, reason=ExitReason.SALE)
    rows = moves.values("product_id").annotate(
        entries=Coalesce(Sum("quantity", filter=Q(quantity__gt=0)), ZERO),
        sales=Coalesce(Sum("quantity", filter=sale & Q(quantity__lt=0)), ZERO),
        others=Coalesce(Sum("quantity", filter=~sale & Q(quantity__lt=0)), ZERO),
    )
    return {r["product_id"]: _Flows(r["entries"], -r["sales"], -r["others"]) for r in rows}


def stock_variance(*, site: Site, start: date, end: date) -> dict[str, Any]:
    if start >= end:
        raise ValidationFailed("date_debut must come before date_fin.", code="invalid_date_range")
    opening, closing = _count_on(site=site, day=start), _count_on(site=site, day=end)
    product_ids = set(opening) | set(closing)
    before = _positions(site=site, day=start, product_ids=product_ids)
    after = _positions(site=site, day=end, product_ids=product_ids)
    flows = _flows(site=site, start=start, end=end, product_ids=product_ids)
    names = dict(Product.objects.filter(pk__in=product_ids).values_list("id", "designation"))
    rows: list[dict[str, Any]] = []
    for product_id in sorted(product_ids, key=lambda p: (names.get(p, ""), p)):
        start_qty = opening.get(product_id, before.get(product_id, (ZERO, ZERO))[0])
        flow = flows.get(product_id, _Flows(ZERO, ZERO, ZERO))
        expected = start_qty + flow.entries - flow.sales - flow.other_exits
        counted = closing.get(product_id)
        variance = None if counted is None else counted - expected
        cost = after.get(product_id, (ZERO, ZERO))[1]
        value = None if variance is None else (variance * cost).quantize(Decimal("0.01"), ROUND_HALF_UP)
        rows.append({"product_id": product_id, "product": names.get(product_id, ""), "opening": start_qty,
                     "entries": flow.entries, "sales": flow.sales, "other_exits": flow.other_exits,
                     "expected": expected, "counted": counted, "variance": variance, "unit_cost": cost,
                     "variance_value": value})  # fmt: skip
    total = sum((r["variance_value"] for r in rows if r["variance_value"] is not None), ZERO)
    shortfall = sum((r["variance_value"] for r in rows if (r["variance_value"] or ZERO) < 0), ZERO)
    return {"site": site.pk, "start": start, "end": end, "lines": rows, "total_value": total,
            "shortfall_value": shortfall}  # fmt: skip
