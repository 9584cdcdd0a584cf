"""GET /stock/ecarts: theoretical (sales through recipes, losses) against counted stock between two counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.sales.models import Dish
from tenant_apps.sales.services.dishes import Ingredient, recipe_set
from tenant_apps.stock.models import ExitReason, Site
from tenant_apps.stock.services import CountLine, stock_count_record, stock_exit_record
from tests.factories.sales import Importer, stocked_product
from tests.factories.sumup import SumupExportBuilder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/stock/ecarts"


def test_the_variance_is_the_count_less_what_recipes_and_losses_left(
    tenant_a: Tenant, import_at: Importer, reader_a: Client, tmp_path: Path
) -> None:
    product_id, site_id, _ = stocked_product(tenant_a)
    builder = SumupExportBuilder().add_order("SEED")  # creates the dishes
    import_at(tenant_a, paths=builder.write(tmp_path))
    with schema_context(tenant_a.schema_name):
        site = Site.objects.get(pk=site_id)
        stock_count_record(
            site=site, day=date(2025, 1, 1), lines=[CountLine(product_id, Decimal(10))], user_id=None
        )
        mafe = Dish.objects.get(till_name="MAFE POISSON FUME")
        recipe_set(dish=mafe, ingredients=[Ingredient(product_id, Decimal("0.5"))])
    builder.add_order("SOLD", opened="2025-01-10 19:00:00", closed="2025-01-10 21:00:00",
                      lines=(("MAFE POISSON FUME", 4, "15,00", "54,55", "5,45"),))  # fmt: skip
    import_at(tenant_a, paths=builder.write(tmp_path))
    with schema_context(tenant_a.schema_name):
        stock_exit_record(site=site, day=date(2025, 1, 12), product_id=product_id, quantity=Decimal(1),
                          reason=ExitReason.LOSS)  # fmt: skip
        stock_count_record(
            site=site, day=date(2025, 1, 31), lines=[CountLine(product_id, Decimal(5))], user_id=None
        )
    response = reader_a.get(URL, {"site": str(site_id), "date_debut": "2025-01-01", "date_fin": "2025-01-31"})
    assert response.status_code == 200, response.content
    [line] = response.json()["lignes"]
    assert line["produit_sk"] == product_id
    assert (line["stock_ouverture"], line["sorties_ventes"], line["autres_sorties"]) == (
        "10.000",
        "2.000",
        "1.000",
    )
    expected = Decimal(10) + Decimal(line["entrees"]) - 2 - 1
    assert Decimal(line["stock_theorique"]) == expected
    assert Decimal(line["stock_compte"]) == 5
    assert Decimal(line["ecart_quantite"]) == 5 - expected
    value = ((5 - expected) * Decimal(line["cout_unitaire"])).quantize(Decimal("0.01"))
    assert Decimal(line["ecart_valeur"]) == value
    assert Decimal(response.json()["total_ecart_valeur"]) == value


def test_a_day_without_a_count_is_a_clear_error(tenant_a: Tenant, reader_a: Client) -> None:
    with schema_context(tenant_a.schema_name):
        site = Site.objects.create(name="Seul site")
    response = reader_a.get(URL, {"site": str(site.pk), "date_debut": "2025-01-01", "date_fin": "2025-01-31"})
    assert response.status_code == 400
    assert response.json()["error"] == "NO_COUNT"
