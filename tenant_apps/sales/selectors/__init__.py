"""Reads of the sales app."""

from .costs import DishCost, average_costs, dish_costs, dishes_using
from .dishes import dish_get, dish_list, recipe_of
from .imports import sales_import_get
from .reports import CHANNEL, sales_by_day, sales_by_day_and_dish, top_dishes, unlinked_revenue

__all__ = [
    "CHANNEL",
    "DishCost",
    "average_costs",
    "dish_costs",
    "dish_get",
    "dish_list",
    "dishes_using",
    "recipe_of",
    "sales_by_day",
    "sales_by_day_and_dish",
    "sales_import_get",
    "top_dishes",
    "unlinked_revenue",
]
