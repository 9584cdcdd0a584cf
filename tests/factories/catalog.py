"""Factories of the product master: products with a purchase price, and the price alerts of their rises.

Build them inside the tenant's schema (`schema_context`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from tenant_apps.catalog.models import PriceAlert, Product


class ProductFactory(DjangoModelFactory[Product]):
    """A product bought but not in stock: its average cost is its purchases' average unit price."""

    class Meta:
        model = Product

    natural_key = factory.Sequence(lambda n: f"art:{n:07d}")
    article_number = factory.Sequence(lambda n: f"{n:07d}")
    designation = factory.Sequence(lambda n: f"PRODUIT {n}")
    unit = "KG"
    avg_unit_price = Decimal("10.000")
    purchase_count = 1


class PriceAlertFactory(DjangoModelFactory[PriceAlert]):
    class Meta:
        model = PriceAlert

    product = factory.SubFactory(ProductFactory)
    source = "metro"
    document_id = factory.Sequence(lambda n: 1000 + n)
    document_number = factory.Sequence(lambda n: f"F-{n:05d}")
    date = dt.date(2026, 11, 20)
    old_price = Decimal("10.000")
    new_price = Decimal("12.000")
    change_pct = factory.LazyAttribute(
        lambda alert: ((alert.new_price - alert.old_price) * 100 / alert.old_price).quantize(Decimal("0.01"))
    )
