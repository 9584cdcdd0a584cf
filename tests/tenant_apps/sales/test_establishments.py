"""Till establishments and stock sites: the single site by default, a refusal while a tenant with several
sites has not said which site an establishment's sales consume, and the mapping that settles it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.sales.models import Dish, Order
from tenant_apps.sales.services.dishes import Ingredient, recipe_set
from tenant_apps.stock.models import MovementSource, StockMovement
from tests.factories.sumup import SumupExportBuilder

from .test_api import URL, _upload
from .test_consumption import _stocked_product

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

ESTABLISHMENT = "34571"  # the builder's "ID Etablissement"


def _second_site(client: Client) -> int:
    response = client.post("/api/v1/sites", {"nom": "La boutique"}, content_type="application/json")
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def test_with_several_sites_an_unmapped_establishment_is_refused_and_nothing_is_loaded(
    admin_api_a: Client, tenant_a: Tenant, builder: SumupExportBuilder
) -> None:
    _stocked_product(tenant_a)  # the METRO customer's site
    _second_site(admin_api_a)
    response = admin_api_a.post(URL, _upload(builder.files()))
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "ESTABLISHMENT_SITE_AMBIGUOUS"
    assert body["details"]["etablissements"] == [{"id_etablissement": ESTABLISHMENT, "nom": "SARL Test"}]
    with schema_context(tenant_a.schema_name):
        assert not Order.objects.exists()


def test_a_mapped_establishment_takes_its_sales_out_of_its_own_site(
    admin_api_a: Client,
    tenant_a: Tenant,
    builder: SumupExportBuilder,
) -> None:
    product_id, metro_site = _stocked_product(tenant_a)
    shop = _second_site(admin_api_a)
    mapped = admin_api_a.put(
        f"/api/v1/ventes/etablissements/{ESTABLISHMENT}", {"site_id": shop}, content_type="application/json"
    )
    assert mapped.status_code == 200, mapped.content
    assert mapped.json() == {
        "id_etablissement": ESTABLISHMENT,
        "nom": "",
        "site_id": shop,
        "site": "La boutique",
    }
    assert admin_api_a.post(URL, _upload(builder.files())).status_code == 200
    with schema_context(tenant_a.schema_name):
        dish = Dish.objects.get(till_name="GUINESS")
        recipe_set(dish=dish, ingredients=[Ingredient(product_id, Decimal(1))])
    builder.add_order("ORDER-2")
    assert admin_api_a.post(URL, _upload(builder.files())).status_code == 200
    with schema_context(tenant_a.schema_name):
        # ORDER-1's exit written when the recipe was set (past sales are re-costed), ORDER-2's at its import.
        exits = list(StockMovement.objects.filter(source=MovementSource.SALE))
    assert len(exits) == 2
    assert {exit_.site_id for exit_ in exits} == {shop} != {metro_site}
    listed = admin_api_a.get("/api/v1/ventes/etablissements").json()
    assert [(e["id_etablissement"], e["site_id"]) for e in listed] == [(ESTABLISHMENT, shop)]


def test_a_single_site_is_every_new_establishments_site(
    admin_api_a: Client, tenant_a: Tenant, builder: SumupExportBuilder
) -> None:
    _, metro_site = _stocked_product(tenant_a)
    assert admin_api_a.post(URL, _upload(builder.files())).status_code == 200
    listed = admin_api_a.get("/api/v1/ventes/etablissements").json()
    assert listed == [
        {
            "id_etablissement": ESTABLISHMENT,
            "nom": "SARL Test",
            "site_id": metro_site,
            "site": listed[0]["site"],
        }
    ]


def test_mapping_to_an_unknown_site_is_a_404(admin_api_a: Client) -> None:
    response = admin_api_a.put(
        f"/api/v1/ventes/etablissements/{ESTABLISHMENT}", {"site_id": 999999}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["error"] == "SITE_NOT_FOUND"
