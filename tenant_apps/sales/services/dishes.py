"""Dishes and their recipes: created from the till's product names, then edited by the owner."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from shared_apps.audit.models import EventType
from shared_apps.core.exceptions import Conflict, ValidationFailed
from shared_apps.rbac.acting import audit_as_principal
from sumup_etl import Product as TillProduct
from tenant_apps.catalog.models import Product

from ..models import Dish, RecipeLine
from .recost import sale_exits_rewrite

EDITABLE = ("name", "category", "channel", "selling_price_ttc", "vat_rate", "is_active")
DEFAULT_VAT_RATE = Decimal("10")  # food served on the premises


@dataclass(frozen=True)
class Ingredient:
    product_id: int
    quantity: Decimal
    yield_factor: Decimal = Decimal(1)


def dishes_from_till(*, products: Iterable[TillProduct]) -> dict[str, int]:
    """A dish for each till product name not seen before; {till name: dish id} for all of them.

    Existing dishes keep what the owner edited (the till's price and rate only seed a new dish).
    """
    products = list(products)
    Dish.objects.bulk_create(
        [
            Dish(
                till_name=p.name[:255],
                name=p.name[:255],
                selling_price_ttc=p.unit_price_ttc,
                vat_rate=p.vat_rate if p.vat_rate is not None else DEFAULT_VAT_RATE,
            )
            for p in products
        ],
        ignore_conflicts=True,  # another import created it first
    )
    names = [p.name[:255] for p in products]
    return dict(Dish.objects.filter(till_name__in=names).values_list("till_name", "id"))


def _fields_checked(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(f"Non modifiable : {', '.join(sorted(unknown))}.", code="not_editable")
    return fields


def dish_create(*, name: str, **fields: Any) -> Dish:
    """A dish typed by the owner (not from the till): its name is also its till name until a sale says."""
    try:
        with transaction.atomic():
            dish = Dish.objects.create(till_name=name[:255], name=name[:255], **_fields_checked(fields))
            audit_as_principal(
                event_type=EventType.DISH_CREATED, details={"dish_id": dish.pk, "fields": fields}
            )
            return dish
    except IntegrityError as error:
        raise Conflict(f"Un plat nommé {name!r} existe déjà.", code="dish_exists") from error


@transaction.atomic
def dish_update(*, dish: Dish, **fields: Any) -> Dish:
    for key, value in _fields_checked(fields).items():
        setattr(dish, key, value)
    dish.save(update_fields=list(fields))
    audit_as_principal(event_type=EventType.DISH_UPDATED, details={"dish_id": dish.pk, "fields": fields})
    return dish


@transaction.atomic
def dish_delete(*, dish: Dish) -> None:
    """Delete a dish and its recipe; its past sales stay (unlinked), and the next import recreates it.

    Without a recipe its sales take nothing from stock: their exits after the last counts go with it
    (services.recost)."""
    dish_id = dish.pk
    RecipeLine.objects.filter(dish=dish).delete()
    rewrite = sale_exits_rewrite(dish=dish)
    dish.delete()
    audit_as_principal(
        event_type=EventType.DISH_DELETED, details={"dish_id": dish_id, "exits_deleted": rewrite.deleted}
    )


@transaction.atomic
def recipe_set(*, dish: Dish, ingredients: Sequence[Ingredient]) -> list[RecipeLine]:
    """Replace the dish's recipe whole; an unknown product or a repeated one is refused, nothing written.

    The exits of the dish's sales since each ingredient's last count follow the new recipe (the rule is in
    services.recost), in this transaction."""
    ids = [i.product_id for i in ingredients]
    known = set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True))
    seen: set[int] = set()
    for index, ingredient in enumerate(ingredients):
        where = {"ligne": index + 1, "produit_sk": ingredient.product_id}
        if ingredient.product_id not in known:
            message = f"Line {index + 1}: no product {ingredient.product_id}."
            raise ValidationFailed(message, code="unknown_product", details=where)
        if ingredient.product_id in seen:
            message = f"Line {index + 1}: product {ingredient.product_id} twice."
            raise ValidationFailed(message, code="duplicate_product", details=where)
        seen.add(ingredient.product_id)
    RecipeLine.objects.filter(dish=dish).delete()
    lines = RecipeLine.objects.bulk_create(
        RecipeLine(dish=dish, product_id=i.product_id, quantity=i.quantity, yield_factor=i.yield_factor)
        for i in ingredients
    )
    rewrite = sale_exits_rewrite(dish=dish)
    recipe = [
        {"product_id": i.product_id, "quantity": str(i.quantity), "yield": str(i.yield_factor)}
        for i in ingredients
    ]
    audit_as_principal(
        event_type=EventType.RECIPE_SET,
        details={"dish_id": dish.pk, "ingredients": recipe, "exits_deleted": rewrite.deleted,
         "exits_written": rewrite.written},
    )  # fmt: skip
    return lines
