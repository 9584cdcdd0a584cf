"""/sites, /stock/inventaires and /stock/mouvements: shapes, the stock they move, and refusals."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import MovementKind, Site, StockCount, StockMovement
from tenant_apps.stock.selectors import position_on
from tests.factories.metro import in_schema

BASE = "/api/v1"


def _stocked(tenant: Tenant) -> tuple[int, int, Decimal]:
    """A product with stock at some site, its site and quantity today."""
    with in_schema(tenant):
        movement = StockMovement.objects.filter(quantity__gt=1).order_by("id").first()
        assert movement is not None
        position = position_on(
            product_id=movement.product_id, site_id=movement.site_id, day=timezone.localdate()
        )
        return movement.product_id, movement.site_id, position.quantity


def test_sites_are_listed_and_renamed(manager_api_a: Client, all_imported: Any) -> None:
    sites = manager_api_a.get(f"{BASE}/sites").json()
    assert len(sites) == 2
    assert {"id", "nom"} <= set(sites[0])
    response = manager_api_a.patch(
        f"{BASE}/sites/{sites[0]['id']}", {"nom": "Restaurant"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["nom"] == "Restaurant"


def test_a_count_moves_the_stock_to_the_counted_quantity_by_a_signed_movement(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    product_id, site_id, before = _stocked(tenant_a)
    today = timezone.localdate().isoformat()
    body = {"site": site_id, "date": today, "lignes": [{"produit_sk": product_id, "quantite": "1"}]}
    response = manager_api_a.post(f"{BASE}/stock/inventaires", body, content_type="application/json")
    assert response.status_code == 201, response.content
    [line] = response.json()["lignes"]
    assert Decimal(line["theorique"]) == before
    assert Decimal(line["compte"]) == 1
    assert Decimal(line["ecart"]) == 1 - before
    assert Decimal(line["valeur_ecart"]) < 0
    with in_schema(tenant_a):
        assert position_on(product_id=product_id, site_id=site_id, day=timezone.localdate()).quantity == 1
        movement = StockMovement.objects.get(kind=MovementKind.COUNT)
        assert movement.quantity == 1 - before
        assert movement.valued


@pytest.mark.parametrize(
    ("line", "code"),
    [({"produit_sk": 999999, "quantite": "1"}, "unknown_product"), ({"quantite": "-1"}, "negative_count")],
)
def test_a_bad_count_line_is_refused_by_name_and_nothing_is_written(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any, line: dict[str, Any], code: str
) -> None:
    product_id, site_id, _ = _stocked(tenant_a)
    good = {"produit_sk": product_id, "quantite": "2"}
    lines = [good, {"produit_sk": product_id, **line}]
    body = {"site": site_id, "date": timezone.localdate().isoformat(), "lignes": lines}
    response = manager_api_a.post(f"{BASE}/stock/inventaires", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"] == code.upper()
    assert "Line 2" in response.json()["message"]
    assert response.json()["details"]["ligne"] == 2
    with in_schema(tenant_a):
        assert not StockCount.objects.exists()
        assert not StockMovement.objects.exclude(kind=MovementKind.ENTRY).exists()


def test_a_count_dated_in_the_future_is_refused(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    product_id, site_id, _ = _stocked(tenant_a)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    body = {"site": site_id, "date": tomorrow, "lignes": [{"produit_sk": product_id, "quantite": "1"}]}
    response = manager_api_a.post(f"{BASE}/stock/inventaires", body, content_type="application/json")
    assert (response.status_code, response.json()["error"]) == (400, "DATE_IN_FUTURE")


def test_a_count_without_a_site_needs_a_single_site(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    product_id, _, _ = _stocked(tenant_a)
    body = {"date": timezone.localdate().isoformat(), "lignes": [{"produit_sk": product_id, "quantite": "1"}]}
    response = manager_api_a.post(f"{BASE}/stock/inventaires", body, content_type="application/json")
    assert (response.status_code, response.json()["error"]) == (400, "SITE_REQUIRED")


def test_a_loss_leaves_at_the_average_cost_and_a_transfer_arrives_at_that_value(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    product_id, site_id, before = _stocked(tenant_a)
    today = timezone.localdate()
    with in_schema(tenant_a):
        cost = position_on(product_id=product_id, site_id=site_id, day=today).unit_cost
        other = Site.objects.exclude(pk=site_id).get().pk
    loss = {"site": site_id, "date": today.isoformat(), "produit_sk": product_id}
    loss |= {"type_mouvement": "SORTIE", "motif": "perte", "quantite": "1"}
    body = manager_api_a.post(f"{BASE}/stock/mouvements", loss, content_type="application/json").json()
    assert (body["type_mouvement"], body["motif"], Decimal(body["quantite"])) == ("SORTIE", "perte", -1)
    assert Decimal(body["valeur"]) == -(cost.quantize(Decimal("0.01")))
    move = loss | {"type_mouvement": "TRANSFERT", "site_destination": other}
    out = manager_api_a.post(f"{BASE}/stock/mouvements", move, content_type="application/json").json()
    with in_schema(tenant_a):
        arrived = StockMovement.objects.get(kind=MovementKind.TRANSFER, site_id=other)
        assert arrived.value == -Decimal(out["valeur"])
        assert arrived.quantity == 1
        assert position_on(product_id=product_id, site_id=site_id, day=today).quantity == before - 2
        assert Product.objects.filter(pk=product_id).exists()
