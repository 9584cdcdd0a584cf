"""Dishes from the till's names, /plats CRUD, recipes and what a dish costs (HT base)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.sales.models import Dish, OrderLine
from tenant_apps.stock.models import StockLevel
from tests.factories.metro import _parse_once_per_session, import_samples  # noqa: F401
from tests.factories.sumup import SumupExportBuilder

from .conftest import Importer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/plats"


def _two_stocked_products(tenant: Tenant) -> list[tuple[int, Decimal]]:
    """Two products of a real METRO invoice in stock at A, with their average cost (value / quantity)."""
    import_samples(tenant, "135_13_81001")
    with schema_context(tenant.schema_name):
        levels = list(StockLevel.objects.filter(quantity__gt=0).order_by("product_id")[:2])
    assert len(levels) == 2
    return [(level.product_id, level.value / level.quantity) for level in levels]


def test_importing_creates_a_dish_per_till_name_and_keeps_the_owners_edits(
    tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path, admin_api_a: Client
) -> None:
    import_at(tenant_a, paths=builder.write(tmp_path))
    with schema_context(tenant_a.schema_name):
        mafe = Dish.objects.get(till_name="MAFE POISSON FUME")
        assert (mafe.selling_price_ttc, mafe.vat_rate) == (Decimal("15.00"), Decimal("10.00"))
        assert Dish.objects.get(till_name="GUINESS").vat_rate == Decimal("20.00")
        assert set(OrderLine.objects.values_list("dish__till_name", flat=True)) == {
            "MAFE POISSON FUME",
            "GUINESS",
        }
    edited = admin_api_a.patch(
        f"{URL}/{mafe.pk}", {"nom": "Mafé", "prix_vente_ttc": "16.50"}, content_type="application/json"
    )
    assert edited.status_code == 200, edited.content
    builder.add_order("ORDER-2")
    import_at(tenant_a, paths=builder.write(tmp_path))
    with schema_context(tenant_a.schema_name):
        mafe.refresh_from_db()
        assert (mafe.name, mafe.selling_price_ttc) == ("Mafé", Decimal("16.50"))
        assert Dish.objects.count() == 2
        assert OrderLine.objects.filter(dish=mafe).count() == 2


def test_a_recipe_gives_the_material_cost_food_cost_and_margin_on_the_ht_base(
    tenant_a: Tenant, admin_api_a: Client, reader_a: Client
) -> None:
    (first, cost_1), (second, cost_2) = _two_stocked_products(tenant_a)
    created = admin_api_a.post(
        URL,
        {"nom": "Poulet yassa", "prix_vente_ttc": "16.50", "tva_pct": "10"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    dish_id = created.json()["id"]
    assert created.json()["a_recette"] is False
    recipe = [
        {"produit_sk": first, "quantite": "0.25"},
        {"produit_sk": second, "quantite": "2", "rendement": "0.8"},
    ]
    response = admin_api_a.put(f"{URL}/{dish_id}/ingredients", recipe, content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    material = Decimal("0.25") * cost_1 + Decimal(2) / Decimal("0.8") * cost_2
    assert Decimal(body["cout_matiere"]) == material.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    assert body["prix_vente_ht"] == "15.00"  # 16.50 / 1.10
    expected_pct = (Decimal(body["cout_matiere"]) / 15 * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert Decimal(body["food_cost_pct"]) == expected_pct
    assert Decimal(body["marge_brute"]) == (15 - Decimal(body["cout_matiere"])).quantize(Decimal("0.01"))
    assert [line["produit_sk"] for line in body["ingredients"]] == [first, second]
    listed = reader_a.get(URL, {"q": "yassa"}).json()
    assert listed["total"] == 1
    assert listed["items"][0]["cout_matiere"] == body["cout_matiere"]
    assert listed["items"][0]["a_recette"] is True
    assert reader_a.get(f"{URL}/{dish_id}/ingredients").json() == body


@pytest.mark.parametrize(
    ("recipe", "code"),
    [
        ([{"produit_sk": 999999, "quantite": "1"}], "unknown_product"),
        (
            [{"produit_sk": "FIRST", "quantite": "1"}, {"produit_sk": "FIRST", "quantite": "2"}],
            "duplicate_product",
        ),
        ([{"produit_sk": "FIRST", "quantite": "0"}], None),
        ([{"produit_sk": "FIRST", "quantite": "1", "rendement": "1.5"}], None),
    ],
)
def test_a_bad_recipe_is_refused_and_the_previous_one_stays(
    tenant_a: Tenant, admin_api_a: Client, recipe: list[dict[str, Any]], code: str | None
) -> None:
    (first, _), _ = _two_stocked_products(tenant_a)
    dish_id = admin_api_a.post(URL, {"nom": "Thiep"}, content_type="application/json").json()["id"]
    good = [{"produit_sk": first, "quantite": "1"}]
    assert (
        admin_api_a.put(f"{URL}/{dish_id}/ingredients", good, content_type="application/json").status_code
        == 200
    )
    for line in recipe:
        line["produit_sk"] = first if line["produit_sk"] == "FIRST" else line["produit_sk"]
    response = admin_api_a.put(f"{URL}/{dish_id}/ingredients", recipe, content_type="application/json")
    assert response.status_code in (400, 422), response.content
    if code:
        assert response.json()["error"] == code.upper()
    kept = admin_api_a.get(f"{URL}/{dish_id}/ingredients").json()["ingredients"]
    assert [(i["produit_sk"], i["quantite"]) for i in kept] == [(first, "1.0000")]


def test_dish_crud_and_errors(admin_api_a: Client, reader_a: Client) -> None:
    created = admin_api_a.post(
        URL, {"nom": "Alloco", "categorie": "Accompagnements"}, content_type="application/json"
    )
    assert created.status_code == 201
    dish_id = created.json()["id"]
    assert admin_api_a.post(URL, {"nom": "Alloco"}, content_type="application/json").status_code == 409
    assert (
        admin_api_a.post(
            URL, {"nom": "X", "prix_vente_ttc": "-1"}, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        reader_a.patch(f"{URL}/{dish_id}", {"actif": False}, content_type="application/json").status_code
        == 403
    )
    patched = admin_api_a.patch(f"{URL}/{dish_id}", {"actif": False}, content_type="application/json").json()
    assert patched["actif"] is False
    assert reader_a.get(URL, {"actif": "true"}).json()["total"] == 0
    assert admin_api_a.delete(f"{URL}/{dish_id}").status_code == 204
    assert reader_a.get(f"{URL}/{dish_id}").status_code == 404
