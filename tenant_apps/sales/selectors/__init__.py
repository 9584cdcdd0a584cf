"""Reads of the sales app."""

from .costs import (
    CostedLine,
    CostedRecipe,
    DishCost,
    PriceChangeCost,
    average_costs,
    dish_costs,
    price_alert_dishes,
    recipe_costed,
)
from .dishes import dish_categories, dish_get, dish_list
from .imports import sales_import_get
from .reports import CHANNEL, sales_by_day, top_dishes, unlinked_revenue

__all__ = [
    "CHANNEL",
    "CostedLine",
    "CostedRecipe",
    "DishCost",
    "PriceChangeCost",
    "average_costs",
    "dish_categories",
    "dish_costs",
    "dish_get",
    "dish_list",
    "price_alert_dishes",
    "recipe_costed",
    "sales_by_day",
    "sales_import_get",
    "top_dishes",
    "unlinked_revenue",
]
