"""Sales test helpers: import an export at a tenant through the public service, readers of A and B."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import factory
import pytest
from django.test import Client
from django_tenants.utils import schema_context
from factory.django import DjangoModelFactory

from shared_apps.tenants.models import Tenant
from sumup_etl import Export
from tenant_apps.sales.models import Dish, ImportSource, RecipeLine
from tenant_apps.sales.services import ImportResult, sales_import_files
from tests.factories.catalog import ProductFactory
from tests.factories.metro import bearer_for

Importer = Callable[..., ImportResult]


@pytest.fixture
def import_at(db: None) -> Importer:
    """Import an export (parsed, or paths) at a tenant through the public service, as the CLI does."""

    def run(
        tenant: Tenant, *, export: Export | None = None, paths: list[Path] | None = None, **kw: Any
    ) -> ImportResult:
        with schema_context(tenant.schema_name):
            return sales_import_files(sources=paths or [], export=export, source=ImportSource.CLI, **kw)

    return run


@pytest.fixture
def reader_a(tenant_a: Tenant) -> Client:
    """A plain member of A (reads only)."""
    return Client(HTTP_HOST="alpha.testserver", **bearer_for(tenant_a))


@pytest.fixture
def admin_b(tenant_b: Tenant) -> Client:
    return Client(HTTP_HOST="beta.testserver", **bearer_for(tenant_b, admin=True))


def stocked_product(tenant: Tenant) -> tuple[int, int, Decimal]:
    """A product in stock at `tenant` after importing a real METRO invoice: (product, site, average cost)."""
    from tenant_apps.stock.models import StockLevel
    from tests.factories.metro import import_samples

    import_samples(tenant, "135_13_81001")
    with schema_context(tenant.schema_name):
        level = StockLevel.objects.filter(quantity__gt=0).order_by("product_id").first()
        assert level is not None
        return level.product_id, level.site_id, level.value / level.quantity


class DishFactory(DjangoModelFactory[Dish]):
    """A dish typed by the owner (build it inside the tenant's schema)."""

    class Meta:
        model = Dish

    till_name = factory.Sequence(lambda n: f"PLAT {n}")
    name = factory.LazyAttribute(lambda dish: dish.till_name.title())
    selling_price_ttc = Decimal("16.50")
    vat_rate = Decimal("10.00")


class RecipeLineFactory(DjangoModelFactory[RecipeLine]):
    class Meta:
        model = RecipeLine

    dish = factory.SubFactory(DishFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = Decimal("0.2500")
    yield_factor = Decimal(1)
