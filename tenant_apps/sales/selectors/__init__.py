"""Reads of the sales app."""

from .costs import DishCost, average_costs, dish_costs, dishes_using
from .dishes import dish_get, dish_list, recipe_of
from .establishments import establishment_list
from .imports import sales_import_get
from .reports import CHANNEL, sales_by_day, top_dishes, unlinked_revenue
from .takings import DayTakings, daily_takings, payment_methods

__all__ = [
    "CHANNEL",
    "DayTakings",
    "DishCost",
    "average_costs",
    "daily_takings",
    "dish_costs",
    "dish_get",
    "dish_list",
    "dishes_using",
    "establishment_list",
    "payment_methods",
    "recipe_of",
    "sales_by_day",
    "sales_import_get",
    "top_dishes",
    "unlinked_revenue",
]
