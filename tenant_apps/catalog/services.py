"""Writes of the product master: what the tenant sets on a product, classification by the editable rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .models import Category, PriceAlert, Product
from .normalise import category_match
from .selectors import classification_rules


def products_classify() -> int:
    """Apply the current classification rules to every product; returns how many changed.

    Without a matching rule a product keeps its supplier's section as its category name.
    """
    rules = classification_rules()
    categories = {c.pk: c for c in Category.objects.all()}
    changed: list[Product] = []
    columns = ("id", "normalised_designation", "supplier_section", "category_id")
    for product in Product.objects.only(*columns, "family_name", "category_name", "subcategory_name"):
        category_id = category_match(
            rules, designation=product.normalised_designation, supplier_section=product.supplier_section
        )
        category = categories.get(category_id or 0)
        names = (category.family, category.name, category.subcategory) if category else None
        values = names or ("", product.supplier_section, "")
        current = (product.family_name, product.category_name, product.subcategory_name)
        if (product.category_id, current) != (category_id, values):
            product.category_id = category_id
            product.family_name, product.category_name, product.subcategory_name = values
            changed.append(product)
    Product.objects.bulk_update(
        changed, ["category", "family_name", "category_name", "subcategory_name"], batch_size=500
    )
    return len(changed)


_UNSET: Any = object()


def product_update(
    *,
    product: Product,
    selling_price: Decimal | None = _UNSET,
    alert_threshold: Decimal | None = _UNSET,
    category: Category | None = _UNSET,
) -> Product:
    """Change what the tenant sets on a product; arguments left out stay as they are."""
    fields = []
    if selling_price is not _UNSET:
        product.selling_price = selling_price
        fields.append("selling_price")
    if alert_threshold is not _UNSET:
        product.alert_threshold = alert_threshold
        fields.append("alert_threshold")
    if category is not _UNSET:
        product.category = category
        names = (category.family, category.name, category.subcategory) if category else ("", "", "")
        product.family_name, product.category_name, product.subcategory_name = names
        fields += ["category", "family_name", "category_name", "subcategory_name"]
    if fields:
        product.save(update_fields=fields)
    return product


def price_alert_mark(*, alert: PriceAlert, seen: bool) -> PriceAlert:
    alert.seen = seen
    alert.save(update_fields=["seen"])
    return alert


def price_alerts_mark_all(*, seen: bool) -> int:
    """Mark every alert seen (or not); returns how many changed."""
    return PriceAlert.objects.exclude(seen=seen).update(seen=seen)
