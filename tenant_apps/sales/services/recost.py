"""A changed recipe re-costs the dish's past sales, back to the last count of each ingredient.

The rule (what an owner expects, as MarketMan or Apicbase explode theoretical usage from the recipe in
force): the stock exits of a dish's sales follow its current recipe for every sale after the last count
(INVENTAIRE) of that ingredient at that site. A count already set the stock to what was on the shelf, so
the sales up to it (its own day included: the count closes its day) keep the exits they had. When the
recipe is set, changed, emptied or its dish deleted, those later exits are rewritten in the caller's
transaction: what the recipe no longer gives is deleted, what it now gives is written, what stays equal is
left alone (so doing it twice changes nothing), and the stock app's valuation rebuilds the average cost and
daily positions of every touched (product, site) from the earliest day that changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import CharField, Max, Subquery, Value
from django.db.models.functions import Cast, Concat, Left

from tenant_apps.stock.models import ExitReason, MovementKind, MovementSource, StockMovement
from tenant_apps.stock.valuation import stock_valuation_refresh

from ..models import Dish, OrderLine, TillEstablishment
from .consumption import exit_quantity, recipes_load
from .zones import current_time_zone

Key = tuple[int, int]  # (product id, site id)
Exit = tuple[str, int, int, date, Decimal]  # (source ref, product, site, day, signed quantity)


@dataclass(frozen=True)
class Rewrite:
    deleted: int
    written: int


def _sold(*, dish: Dish) -> list[tuple[str, int, date, Decimal]]:
    """(source ref, site, local day, quantity sold) of each line of the dish at a mapped site."""
    zone = current_time_zone()
    sites = dict(TillEstablishment.objects.values_list("establishment_id", "site_id"))
    rows = OrderLine.objects.filter(dish=dish).values_list(
        "order__till_id", "position", "order__establishment_id", "closed_at", "quantity"
    )
    return [
        (f"{till_id}:{position}"[:64], sites[establishment], closed_at.astimezone(zone).date(), quantity)
        for till_id, position, establishment, closed_at, quantity in rows
        if sites.get(establishment) is not None
    ]


def _last_counts(products: set[int]) -> dict[Key, date]:
    rows = (
        StockMovement.objects.filter(kind=MovementKind.COUNT, product_id__in=products)
        .values("product_id", "site_id")
        .annotate(last=Max("date"))
        .order_by()
    )
    return {(row["product_id"], row["site_id"]): row["last"] for row in rows}


def sale_exits_rewrite(*, dish: Dish) -> Rewrite:
    """Make the exits of the dish's sales after each ingredient's last count follow its current recipe."""
    sold = _sold(dish=dish)
    # The refs in the database, not as parameters: a dish sold for years has more lines than a query takes.
    refs = OrderLine.objects.filter(dish=dish).values(
        ref=Left(Concat("order__till_id", Value(":"), Cast("position", CharField())), 64)
    )
    existing: dict[Exit, int] = {
        (ref, product, site, day, quantity): pk
        for pk, ref, product, site, day, quantity in StockMovement.objects.filter(
            source=MovementSource.SALE, source_ref__in=Subquery(refs)
        ).values_list("pk", "source_ref", "product_id", "site_id", "date", "quantity")
    }
    recipe = recipes_load(dish_ids=[dish.pk]).get(dish.pk, [])
    counted = _last_counts({product for _, product, *_ in existing} | {product for product, _ in recipe})

    def open_(product: int, site: int, day: date) -> bool:
        last = counted.get((product, site))
        return last is None or day > last

    wanted = {
        (ref, product, site, day, exit_quantity(sold=quantity, per_dish=per_dish))
        for ref, site, day, quantity in sold
        for product, per_dish in recipe
        if open_(product, site, day)
    }
    gone = [key for key in existing if key not in wanted and open_(*key[1:4])]
    new = [key for key in wanted if key not in existing]
    StockMovement.objects.filter(pk__in=[existing[key] for key in gone]).delete()
    StockMovement.objects.bulk_create(
        StockMovement(
            site_id=site, product_id=product, date=day, kind=MovementKind.EXIT, reason=ExitReason.SALE,
            quantity=quantity, source=MovementSource.SALE, source_ref=ref,
        )
        for ref, product, site, day, quantity in new
    )  # fmt: skip
    redo: dict[Key, date] = {}
    for _, product, site, day, _ in gone:
        redo[(product, site)] = min(day, redo.get((product, site), day))
    if gone or new:
        stock_valuation_refresh(redo=redo)
    return Rewrite(deleted=len(gone), written=len(new))
