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
from .establishments import establishment_list
from .imports import sales_import_get
from .reports import CHANNEL, sales_by_day, sales_by_day_and_dish, top_dishes, unlinked_revenue
from .takings import DayTakings, daily_takings, payment_methods

__all__ = [
    "CHANNEL",
    "CostedLine",
    "CostedRecipe",
    "DayTakings",
    "DishCost",
    "PriceChangeCost",
    "average_costs",
    "daily_takings",
    "dish_categories",
    "dish_costs",
    "dish_get",
    "dish_list",
    "establishment_list",
    "payment_methods",
    "price_alert_dishes",
    "recipe_costed",
    "sales_by_day",
    "sales_by_day_and_dish",
    "sales_import_get",
    "top_dishes",
    "unlinked_revenue",
]
