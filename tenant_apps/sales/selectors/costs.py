"""What dishes cost: each ingredient at its current average cost, food cost % and margin on the HT base."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, Protocol

from django.db.models import Sum

from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import StockLevel

from ..models import Dish, RecipeLine

CENT = Decimal("0.01")


class DishCost(NamedTuple):
    """`food_cost_pct` = material cost / selling price HT x 100; `gross_margin` = price HT - material cost.

    Both on the HT base: VAT is collected for the State, not earned. None when the dish has no price.
    A tuple: the price alerts make thousands, and a frozen dataclass takes twice as long to make.
    """

    material_cost: Decimal
    price_ht: Decimal
    food_cost_pct: Decimal | None
    gross_margin: Decimal
    has_recipe: bool


def average_costs(*, product_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each product's current average cost: its stock's value / quantity over the sites that hold some;
    else the purchases' average unit price (a product bought but all used up keeps a cost)."""
    ids = list(set(product_ids))
    costs: dict[int, Decimal] = {}
    held = (
        StockLevel.objects.filter(product_id__in=ids, quantity__gt=0)
        .values("product_id")
        .annotate(value=Sum("value"), quantity=Sum("quantity"))
    )
    for row in held:
        costs[row["product_id"]] = row["value"] / row["quantity"]
    missing = [i for i in ids if i not in costs]
    for product_id, price in Product.objects.filter(pk__in=missing).values_list("id", "avg_unit_price"):
        costs[product_id] = price or Decimal(0)
    return costs


def price_ht(dish: Dish) -> Decimal:
    return (dish.selling_price_ttc / (1 + dish.vat_rate / 100)).quantize(CENT, ROUND_HALF_UP)


def cost_of(*, dish: Dish, material_cost: Decimal, has_recipe: bool) -> DishCost:
    return _cost_on(price_ht(dish), material_cost=material_cost, has_recipe=has_recipe)


def _cost_on(base: Decimal, *, material_cost: Decimal, has_recipe: bool) -> DishCost:
    """`cost_of` once the dish's price HT (`base`) is known."""
    material_cost = material_cost.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    pct = (material_cost / base * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) if base > 0 else None
    return DishCost(
        material_cost, base, pct, (base - material_cost).quantize(CENT, ROUND_HALF_UP), has_recipe
    )


def _lines_of(dish_ids: Iterable[int]) -> list[tuple[int, int, Decimal, Decimal]]:
    """(dish, product, quantity, yield factor) of the recipes of these dishes."""
    lines = RecipeLine.objects.filter(dish_id__in=list(dish_ids))
    return list(lines.values_list("dish_id", "product_id", "quantity", "yield_factor"))


def _material_costs(
    lines: Sequence[tuple[int, int, Decimal, Decimal]],
) -> tuple[dict[int, Decimal], dict[int, Decimal]]:
    """(each ingredient's current average cost, each dish's material cost at those) of recipe lines
    (dish, product, quantity, yield factor)."""
    unit = average_costs(product_ids=[line[1] for line in lines])
    material: dict[int, Decimal] = defaultdict(Decimal)
    for dish_id, product_id, quantity, yield_factor in lines:
        material[dish_id] += quantity / yield_factor * unit.get(product_id, Decimal(0))
    return unit, material


def dish_costs(*, dishes: Iterable[Dish]) -> dict[int, DishCost]:
    """The cost of each dish, its ingredients at their current average cost."""
    dishes = list(dishes)
    lines = _lines_of(dish.pk for dish in dishes)
    _unit, material = _material_costs(lines)
    with_recipe = {line[0] for line in lines}
    return {
        dish.pk: cost_of(dish=dish, material_cost=material[dish.pk], has_recipe=dish.pk in with_recipe)
        for dish in dishes
    }


class PriceChangeCost(NamedTuple):
    """A dish that uses the product of a price alert, costed before and after the rise."""

    dish: Dish
    before: DishCost
    after: DishCost


class RepricedAlert(Protocol):
    """What `price_alert_dishes` reads of an alert: a PriceAlert or a catalogue PriceAlertRow."""

    @property
    def id(self) -> int: ...
    @property
    def product_id(self) -> int: ...
    @property
    def old_price(self) -> Decimal: ...
    @property
    def new_price(self) -> Decimal: ...


class _Repricing:
    """The dishes whose recipe uses some products, each costable with one of them at another unit price.

    Costs are kept per (dish, product, price): successive rises of a product meet at a price (one's new
    price is the next one's old), and alerts with the same product and prices are costed once.
    """

    def __init__(self, product_ids: set[int]) -> None:
        using = RecipeLine.objects.filter(product_id__in=product_ids).values("dish_id")
        dishes = {dish.pk: dish for dish in Dish.objects.filter(pk__in=using)}
        # Their recipes through the same subquery: hundreds of ids as parameters cost more than running it.
        lines = list(
            RecipeLine.objects.filter(dish_id__in=using).values_list(
                "dish_id", "product_id", "quantity", "yield_factor"
            )
        )
        unit, material = _material_costs(lines)  # each dish at current average costs
        # (dish, product) → (quantity taken per dish, the dish's material cost less that product's share)
        self.share: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
        for dish_id, product_id, quantity, yield_factor in lines:
            taken = quantity / yield_factor
            rest = material[dish_id] - taken * unit.get(product_id, Decimal(0))
            self.share[dish_id, product_id] = (taken, rest)
        self.bases = {dish_id: price_ht(dish) for dish_id, dish in dishes.items()}
        self.users: dict[int, list[Dish]] = defaultdict(list)  # product → the dishes using it, by name
        for dish_id, product_id in sorted(self.share, key=lambda key: (dishes[key[0]].name, key[0])):
            self.users[product_id].append(dishes[dish_id])
        self._costs: dict[tuple[int, int, Decimal], DishCost] = {}

    def cost(self, dish_id: int, product_id: int, price: Decimal) -> DishCost:
        key = (dish_id, product_id, price)
        cost = self._costs.get(key)
        if cost is None:
            taken, rest = self.share[dish_id, product_id]
            cost = _cost_on(self.bases[dish_id], material_cost=rest + taken * price, has_recipe=True)
            self._costs[key] = cost
        return cost


def price_alert_dishes(*, alerts: Sequence[RepricedAlert]) -> dict[int, list[PriceChangeCost]]:
    """For each alert (by id), the dishes whose recipe uses its product, by name.

    `before` costs that product at the alert's old unit price (the purchase before the rise), `after` at
    its new one; every other ingredient stays at its current average cost, so the difference is the rise
    alone. Food cost % and margin on the HT base, as `DishCost`. Four queries, however many alerts.
    Alerts with the same product and prices share one list (callers may render a shared entry once).
    """
    repricing = _Repricing({alert.product_id for alert in alerts})
    reached: dict[tuple[int, Decimal, Decimal], list[PriceChangeCost]] = {}
    for alert in alerts:
        key = (alert.product_id, alert.old_price, alert.new_price)
        if key not in reached:
            reached[key] = [
                PriceChangeCost(
                    dish=dish,
                    before=repricing.cost(dish.id, alert.product_id, alert.old_price),
                    after=repricing.cost(dish.id, alert.product_id, alert.new_price),
                )
                for dish in repricing.users[alert.product_id]
            ]
    return {alert.id: reached[alert.product_id, alert.old_price, alert.new_price] for alert in alerts}


@dataclass(frozen=True)
class CostedLine:
    line: RecipeLine
    unit_cost: Decimal  # the product's current average cost
    cost: Decimal  # quantity / yield factor x unit cost


@dataclass(frozen=True)
class CostedRecipe:
    lines: list[CostedLine]
    cost: DishCost


def recipe_costed(*, dish: Dish) -> CostedRecipe:
    """The dish's recipe line by line with what each costs, and the dish's cost (as `dish_costs`)."""
    lines = list(RecipeLine.objects.filter(dish=dish).select_related("product").order_by("id"))
    unit = average_costs(product_ids=[line.product_id for line in lines])
    costed = [
        CostedLine(line, unit[line.product_id], line.quantity / line.yield_factor * unit[line.product_id])
        for line in lines
    ]
    material = sum((line.cost for line in costed), Decimal(0))
    return CostedRecipe(costed, cost_of(dish=dish, material_cost=material, has_recipe=bool(lines)))
