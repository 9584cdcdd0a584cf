"""A recipe set or changed re-costs the dish's past sales back to the last count of each ingredient."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.sales.models import Dish
from tenant_apps.stock.models import MovementSource, StockDay, StockLevel, StockMovement
from tests.factories.metro import _parse_once_per_session  # noqa: F401
from tests.factories.sales import stocked_product
from tests.factories.sumup import SumupExportBuilder

from .conftest import Importer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/plats"


@pytest.fixture
def sold(
    tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path
) -> dict[str, Any]:
    """One Mafé sold on 5 January 2024, three on the 6th, no recipe yet; a product in stock at the site."""
    product_id, site_id, _ = stocked_product(tenant_a)
    builder.add_order("ORDER-2", opened="2024-01-06 12:00:00", closed="2024-01-06 13:00:00",
                      lines=(("MAFE POISSON FUME", 3, "15,00", "40,91", "4,09"),))  # fmt: skip
    import_at(tenant_a, paths=builder.write(tmp_path))
    with schema_context(tenant_a.schema_name):
        dish = Dish.objects.get(till_name="MAFE POISSON FUME")
        level = StockLevel.objects.get(product_id=product_id, site_id=site_id).quantity
    return {"dish": dish.pk, "product": product_id, "site": site_id, "level": level}


def _recipe(client: Client, dish_id: int, *lines: tuple[int, str]) -> None:
    body = [{"produit_sk": product, "quantite": quantity} for product, quantity in lines]
    response = client.put(f"{URL}/{dish_id}/ingredients", body, content_type="application/json")
    assert response.status_code == 200, response.content


def _exits(tenant: Tenant, product_id: int) -> dict[str, Decimal]:
    with schema_context(tenant.schema_name):
        rows = StockMovement.objects.filter(source=MovementSource.SALE, product_id=product_id)
        return {str(day): quantity for day, quantity in rows.values_list("date", "quantity")}


def _level(tenant: Tenant, product_id: int, site_id: int) -> Decimal:
    """The stored level, checked against the movements it must add up to (the days were rebuilt)."""
    with schema_context(tenant.schema_name):
        level = StockLevel.objects.get(product_id=product_id, site_id=site_id).quantity
        moved = StockMovement.objects.filter(product_id=product_id, site_id=site_id).aggregate(
            s=Sum("quantity")
        )["s"]
        last_day = StockDay.objects.filter(product_id=product_id, site_id=site_id).latest("date")
        assert not StockMovement.objects.filter(valued=False).exists()
    assert level == moved == last_day.quantity
    return level


def test_a_new_recipe_takes_the_past_sales_out_of_stock_and_a_change_follows(
    tenant_a: Tenant, admin_api_a: Client, sold: dict[str, Any]
) -> None:
    dish, product, site = sold["dish"], sold["product"], sold["site"]
    _recipe(admin_api_a, dish, (product, "0.25"))
    assert _exits(tenant_a, product) == {"2024-01-05": Decimal("-0.250"), "2024-01-06": Decimal("-0.750")}
    assert _level(tenant_a, product, site) == sold["level"] - 1
    with schema_context(tenant_a.schema_name):
        ids = set(StockMovement.objects.filter(source=MovementSource.SALE).values_list("pk", flat=True))
    _recipe(admin_api_a, dish, (product, "0.25"))  # the same again: nothing rewritten
    with schema_context(tenant_a.schema_name):
        assert (
            set(StockMovement.objects.filter(source=MovementSource.SALE).values_list("pk", flat=True)) == ids
        )
    _recipe(admin_api_a, dish, (product, "0.5"))
    assert _exits(tenant_a, product) == {"2024-01-05": Decimal("-0.500"), "2024-01-06": Decimal("-1.500")}
    assert _level(tenant_a, product, site) == sold["level"] - 2


def test_an_ingredient_taken_out_of_the_recipe_gives_its_stock_back(
    tenant_a: Tenant, admin_api_a: Client, sold: dict[str, Any]
) -> None:
    dish, product, site = sold["dish"], sold["product"], sold["site"]
    _recipe(admin_api_a, dish, (product, "1"))
    assert _level(tenant_a, product, site) == sold["level"] - 4
    _recipe(admin_api_a, dish)
    assert _exits(tenant_a, product) == {}
    assert _level(tenant_a, product, site) == sold["level"]


def test_deleting_the_dish_deletes_the_exits_of_its_sales(
    tenant_a: Tenant, admin_api_a: Client, sold: dict[str, Any]
) -> None:
    _recipe(admin_api_a, sold["dish"], (sold["product"], "1"))
    assert admin_api_a.delete(f"{URL}/{sold['dish']}").status_code == 204
    assert _exits(tenant_a, sold["product"]) == {}
    assert _level(tenant_a, sold["product"], sold["site"]) == sold["level"]


def test_a_count_bounds_what_a_recipe_change_rewrites(
    tenant_a: Tenant, admin_api_a: Client, sold: dict[str, Any]
) -> None:
    dish, product, site = sold["dish"], sold["product"], sold["site"]
    _recipe(admin_api_a, dish, (product, "0.5"))
    count = {"site": site, "date": "2024-01-05", "lignes": [{"produit_sk": product, "quantite": "7"}]}
    response = admin_api_a.post("/api/v1/stock/inventaires", count, content_type="application/json")
    assert response.status_code == 201, response.content
    _recipe(admin_api_a, dish, (product, "1"))
    # The sale of the count's day stays as the count found it; the one after follows the new recipe.
    assert _exits(tenant_a, product) == {"2024-01-05": Decimal("-0.500"), "2024-01-06": Decimal("-3.000")}
    _level(tenant_a, product, site)
    _recipe(admin_api_a, dish)
    assert _exits(tenant_a, product) == {"2024-01-05": Decimal("-0.500")}
    _level(tenant_a, product, site)
