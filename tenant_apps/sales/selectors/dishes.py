"""Reads of dishes and recipes."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import Dish


def dish_list(*, q: str = "", active: bool | None = None) -> QuerySet[Dish]:
    dishes = Dish.objects.all()
    if q:
        dishes = dishes.filter(name__icontains=q)
    if active is not None:
        dishes = dishes.filter(is_active=active)
    return dishes.order_by("name", "id")


def dish_get(*, dish_id: int) -> Dish | None:
    return Dish.objects.filter(pk=dish_id).first()
