"""Reads of dishes and recipes."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Dish


def dish_list(
    *, q: str = "", active: bool | None = None, category: str = "", channel: str = ""
) -> QuerySet[Dish]:
    dishes = Dish.objects.all()
    if q:
        dishes = dishes.filter(name__icontains=q)
    if category:
        dishes = dishes.filter(category__iexact=category)
    if channel:
        dishes = dishes.filter(channel__iexact=channel)
    if active is not None:
        dishes = dishes.filter(is_active=active)
    return dishes.order_by("name", "id")


def dish_get(*, dish_id: int) -> Dish | None:
    return Dish.objects.filter(pk=dish_id).first()


def dish_categories() -> list[str]:
    """The categories the owner gave dishes, for a filter's choices."""
    rows = Dish.objects.exclude(category="").values_list("category", flat=True).distinct()
    return sorted(rows, key=str.casefold)
