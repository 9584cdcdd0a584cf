"""Price history per product (by id or EAN) and the price alerts an import records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.test import Client

from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import PriceAlert
from tenant_apps.metro.models import PurchaseFact
from tests.factories.metro import import_samples, in_schema

BASE = "/api/v1/metro/products"


def _bought_often(tenant: Tenant) -> tuple[int, str, int]:
    with in_schema(tenant):
        row = (
            PurchaseFact.objects.filter(unit_quantity__gt=0)
            .exclude(product__ean="")
            .values("product_id", "product__ean")
            .annotate(n=Count("line_id"))
            .order_by("-n", "product_id")
            .first()
        )
    assert row is not None
    return row["product_id"], row["product__ean"], row["n"]


def test_the_price_history_lists_every_purchase_oldest_first(
    api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    product_id, ean, purchases = _bought_often(tenant_a)
    body = api_a.get(f"{BASE}/{product_id}/price-history").json()
    assert (body["produit_id"], body["count"]) == (product_id, purchases)
    assert purchases >= 2
    dates = [point["date"] for point in body["history"]]
    assert dates == sorted(dates)
    assert set(body["history"][0]) == {
        "date",
        "prix_unitaire",
        "prix_colis",
        "quantite",
        "facture_id",
        "facture_numero",
    }
    by_ean = api_a.get(f"{BASE}/ean/{ean}/price-history").json()
    assert (by_ean["ean"], by_ean["history"]) == (ean, body["history"])
    assert api_a.get(f"{BASE}/999999/price-history").status_code == 404
    assert api_a.get(f"{BASE}/ean/12ab/price-history").status_code == 400


def test_an_import_records_an_alert_for_each_rise_above_the_threshold_once(
    admin_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    with in_schema(tenant_a):
        alerts = list(PriceAlert.objects.all())
    assert alerts, "the sample has price rises above 5 %"
    for alert in alerts:
        assert alert.new_price > alert.old_price * Decimal("1.05")
        assert alert.change_pct == ((alert.new_price - alert.old_price) * 100 / alert.old_price).quantize(
            Decimal("0.01")
        )
    import_samples(tenant_a)  # again: nothing new
    with in_schema(tenant_a):
        assert PriceAlert.objects.count() == len(alerts)
    listed = admin_api_a.get("/api/v1/catalog/price-alerts").json()
    assert len(listed) == len(alerts)
    first = listed[0]["id"]
    marked = admin_api_a.patch(
        f"/api/v1/catalog/price-alerts/{first}", {"vu": True}, content_type="application/json"
    )
    assert marked.json()["vu"] is True
    unseen = admin_api_a.get("/api/v1/catalog/price-alerts", {"vu": "false"}).json()
    assert first not in [a["id"] for a in unseen]
    assert len(unseen) == len(alerts) - 1


def test_a_higher_threshold_records_fewer_alerts(tenant_a: Tenant) -> None:
    tenant_a.settings = {**(tenant_a.settings or {}), "price_alert_pct": 1000}
    tenant_a.save(update_fields=["settings"])
    import_samples(tenant_a)
    with in_schema(tenant_a):
        assert not PriceAlert.objects.exists()
