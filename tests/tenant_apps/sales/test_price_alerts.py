"""Price alerts reach dishes: each alert lists the dishes that use its product, with their material cost
and food cost % at the price before the rise and at the new one (HT base)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from shared_apps.core.renderers import FastJSONRenderer
from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import PriceAlert
from tenant_apps.catalog.selectors import price_alert_list
from tenant_apps.sales.alert_apis import PriceAlertOutput
from tenant_apps.sales.selectors import price_alert_dishes
from tests.factories.catalog import PriceAlertFactory, ProductFactory
from tests.factories.sales import DishFactory, RecipeLineFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/catalog/price-alerts"


def _stew_and_salad(tenant: Tenant) -> dict[str, int]:
    """A stew using beef (bought at 11 €/kg on average, alert 10 → 12) and carrots (4 €/kg); a salad of
    carrots only; an alert on a product no dish uses."""
    with schema_context(tenant.schema_name):
        beef = ProductFactory.create(designation="BOEUF BOURGUIGNON", avg_unit_price=Decimal("11.000"))
        carrot = ProductFactory.create(designation="CAROTTE", avg_unit_price=Decimal("4.000"))
        stew = DishFactory.create(name="Bœuf bourguignon", selling_price_ttc=Decimal("22.00"))
        salad = DishFactory.create(name="Salade de carottes", selling_price_ttc=Decimal("8.80"))
        RecipeLineFactory.create(
            dish=stew, product=beef, quantity=Decimal("0.5"), yield_factor=Decimal("0.8")
        )
        RecipeLineFactory.create(dish=stew, product=carrot, quantity=Decimal(1))
        RecipeLineFactory.create(dish=salad, product=carrot, quantity=Decimal("0.3"))
        rise = PriceAlertFactory.create(
            product=beef, old_price=Decimal("10.000"), new_price=Decimal("12.000")
        )
        unused = PriceAlertFactory.create(date=rise.date.replace(day=1))
        return {"rise": rise.pk, "unused": unused.pk, "stew": stew.pk, "salad": salad.pk}


def test_an_alert_lists_the_dishes_using_its_product_before_and_after_the_rise(
    tenant_a: Tenant, reader_a: Client
) -> None:
    ids = _stew_and_salad(tenant_a)
    response = reader_a.get(URL)
    assert response.status_code == 200, response.content
    alerts = {alert["id"]: alert for alert in response.json()}
    assert alerts[ids["unused"]]["plats"] == []
    [stew] = alerts[ids["rise"]]["plats"]
    # 0.5 kg of beef at a yield of 0.8 takes 0.625 kg: 6.25 € at 10 €, 7.50 € at 12 €; carrots 4 €.
    # Price HT 22.00 / 1.10 = 20.00: food cost 10.25 / 20 = 51.25 % → 51.3 %, 11.50 / 20 = 57.5 %.
    assert stew == {
        "plat_id": ids["stew"],
        "plat": "Bœuf bourguignon",
        "prix_vente_ht": "20.00",
        "ancien_cout_matiere": "10.2500",
        "nouveau_cout_matiere": "11.5000",
        "ancien_food_cost_pct": "51.3",
        "nouveau_food_cost_pct": "57.5",
    }


def test_marking_an_alert_seen_answers_it_with_its_dishes(tenant_a: Tenant, admin_api_a: Client) -> None:
    ids = _stew_and_salad(tenant_a)
    response = admin_api_a.patch(f"{URL}/{ids['rise']}", {"vu": True}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["vu"] is True
    assert [dish["plat_id"] for dish in response.json()["plats"]] == [ids["stew"]]


def test_the_alert_list_reads_dishes_in_the_same_queries_however_many_alerts(
    tenant_a: Tenant, reader_a: Client
) -> None:
    _stew_and_salad(tenant_a)
    reader_a.get(URL)  # the host's routing, the token's checks and the schema set before counting
    with CaptureQueriesContext(connection) as few:
        assert reader_a.get(URL).status_code == 200
    with schema_context(tenant_a.schema_name):
        for _ in range(5):
            alert = PriceAlertFactory.create()
            RecipeLineFactory.create(product=alert.product)
    reader_a.get(URL)
    with CaptureQueriesContext(connection) as many:
        assert len(reader_a.get(URL).json()) == 7
    assert len(many.captured_queries) == len(few.captured_queries)


def test_tenant_b_sees_none_of_tenant_as_dishes_on_its_alerts(
    tenant_a: Tenant, tenant_b: Tenant, admin_b: Client
) -> None:
    ids = _stew_and_salad(tenant_a)
    with schema_context(tenant_b.schema_name):
        own = PriceAlertFactory.create(product=ProductFactory.create(designation="BOEUF BOURGUIGNON"))
    body = admin_b.get(URL)
    assert body.status_code == 200
    assert [(alert["id"], alert["plats"]) for alert in body.json()] == [(own.pk, [])]
    assert "Bœuf bourguignon" not in body.content.decode()
    admin_b.patch(f"{URL}/{ids['rise']}", {"vu": True}, content_type="application/json")
    with schema_context(tenant_a.schema_name):
        assert not PriceAlert.objects.get(pk=ids["rise"]).seen


def _awkward_prices(tenant: Tenant) -> None:
    """Costs with long decimals (yields of 0.7, prices of 3 decimals), a dish sold at 0 (no food cost %),
    two dishes of one name, successive rises of one product (one's new price the next one's old), two
    alerts with the same product and prices, and a seen alert."""
    with schema_context(tenant.schema_name):
        butter = ProductFactory.create(designation="BEURRE", avg_unit_price=Decimal("7.777"))
        flour = ProductFactory.create(designation="FARINE", avg_unit_price=Decimal("0.333"))
        tart = DishFactory.create(name="Tarte", selling_price_ttc=Decimal("9.95"), vat_rate=Decimal("5.50"))
        twin = DishFactory.create(name="Tarte", selling_price_ttc=Decimal("13.33"))
        staff = DishFactory.create(name="Repas du personnel", selling_price_ttc=Decimal(0))
        for dish, quantity in ((tart, "0.125"), (twin, "0.333"), (staff, "0.0175")):
            RecipeLineFactory.create(
                dish=dish, product=butter, quantity=Decimal(quantity), yield_factor=Decimal("0.7")
            )
            RecipeLineFactory.create(dish=dish, product=flour, quantity=Decimal("0.3"))
        for old, new, day, seen in (
            ("7.005", "8.125", 3, False),
            ("8.125", "9.999", 9, True),
            ("7.005", "8.125", 12, False),
        ):
            PriceAlertFactory.create(
                product=butter,
                old_price=Decimal(old),
                new_price=Decimal(new),
                date=datetime.date(2026, 11, day),
                seen=seen,
            )
        PriceAlertFactory.create(product=flour, old_price=Decimal("0.301"), new_price=Decimal("0.333"))


def test_the_alert_list_is_byte_for_byte_what_its_documented_serializer_writes(
    tenant_a: Tenant, reader_a: Client
) -> None:
    _awkward_prices(tenant_a)
    response = reader_a.get(URL)
    assert response.status_code == 200, response.content
    with schema_context(tenant_a.schema_name):
        alerts = list(price_alert_list())
        dishes = price_alert_dishes(alerts=alerts)
        rows = [SimpleNamespace(alert=alert, dishes=dishes[alert.pk]) for alert in alerts]
        documented = PriceAlertOutput(rows, many=True).data
    assert [len(alert["plats"]) for alert in response.json()] == [3, 3, 3, 3]
    assert {None} < {dish["nouveau_food_cost_pct"] for alert in response.json() for dish in alert["plats"]}
    assert response.content == FastJSONRenderer().render(documented)


def test_marking_an_alert_answers_what_its_documented_serializer_writes(
    tenant_a: Tenant, admin_api_a: Client
) -> None:
    _awkward_prices(tenant_a)
    with schema_context(tenant_a.schema_name):
        alert = price_alert_list().filter(seen=True).get()
    response = admin_api_a.patch(f"{URL}/{alert.pk}", {"vu": False}, content_type="application/json")
    assert response.status_code == 200, response.content
    with schema_context(tenant_a.schema_name):
        alert.refresh_from_db()
        documented = PriceAlertOutput(
            SimpleNamespace(alert=alert, dishes=price_alert_dishes(alerts=[alert])[alert.pk])
        ).data
    assert response.json()["vu"] is False
    assert response.content == FastJSONRenderer().render(documented)
