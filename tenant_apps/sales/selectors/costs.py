"""What dishes cost: each ingredient at its current average cost, food cost % and margin on the HT base."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum

from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import StockLevel

from ..models import Dish, RecipeLine

CENT = Decimal("0.01")


@dataclass(frozen=True)
class DishCost:
    """`food_cost_pct` = material cost / selling price HT x 100; `gross_margin` = price HT - material cost.

    Both on the HT base: VAT is collected for the State, not earned. None when the dish has no price.
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
    base = price_ht(dish)
    material_cost = material_cost.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    pct = (material_cost / base * 100).quantize(Decimal("0.1"), ROUND_HALF_UP) if base > 0 else None
    return DishCost(
        material_cost, base, pct, (base - material_cost).quantize(CENT, ROUND_HALF_UP), has_recipe
    )


def dish_costs(*, dishes: Iterable[Dish], overrides: dict[int, Decimal] | None = None) -> dict[int, DishCost]:
    """The cost of each dish; `overrides` replaces some products' average cost (to price a change)."""
    dishes = list(dishes)
    lines = list(RecipeLine.objects.filter(dish__in=dishes).values_list("dish_id", "product_id", "quantity",
                                                                         "yield_factor"))  # fmt: skip
    unit = average_costs(product_ids=[line[1] for line in lines]) | (overrides or {})
    material: dict[int, Decimal] = defaultdict(Decimal)
    for dish_id, product_id, quantity, yield_factor in lines:
        material[dish_id] += quantity / yield_factor * unit.get(product_id, Decimal(0))
    with_recipe = {line[0] for line in lines}
    return {
        dish.pk: cost_of(dish=dish, material_cost=material[dish.pk], has_recipe=dish.pk in with_recipe)
        for dish in dishes
    }


def dishes_using(*, product_id: int) -> list[Dish]:
    return list(Dish.objects.filter(Q(recipe_lines__product_id=product_id)).distinct())
