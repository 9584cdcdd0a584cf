"""Stock changed by hand (a count, a loss, a transfer) leaves an audit row naming who, where and what."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.utils import timezone

from shared_apps.audit.models import AuditEvent, EventType
from shared_apps.tenants.models import Tenant
from tenant_apps.stock.models import Site, StockMovement
from tests.factories.metro import in_schema

BASE = "/api/v1"


def _a_stocked_product(tenant: Tenant) -> tuple[int, int]:
    with in_schema(tenant):
        movement = StockMovement.objects.filter(quantity__gt=2).order_by("id").first()
        assert movement is not None
        return movement.product_id, movement.site_id


def _bearer_user_email(client: Client) -> str:
    return str(client.get(f"{BASE}/auth/me").json()["email"])


def test_a_count_is_audited_with_its_author_tenant_and_lines(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    product_id, site_id = _a_stocked_product(tenant_a)
    body = {
        "site": site_id,
        "date": timezone.localdate().isoformat(),
        "lignes": [{"produit_sk": product_id, "quantite": "1"}],
    }
    response = manager_api_a.post(f"{BASE}/stock/inventaires", body, content_type="application/json")
    assert response.status_code == 201, response.content
    [event] = AuditEvent.objects.filter(event_type=EventType.STOCK_COUNTED)
    assert event.tenant_id == tenant_a.pk
    assert event.email == _bearer_user_email(manager_api_a)
    assert event.details == {
        "count_id": response.json()["id"],
        "site_id": site_id,
        "date": body["date"],
        "lines": 1,
    }


def test_a_loss_and_a_transfer_are_audited(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    product_id, site_id = _a_stocked_product(tenant_a)
    with in_schema(tenant_a):
        other = Site.objects.exclude(pk=site_id).get().pk
    loss = {"site": site_id, "date": timezone.localdate().isoformat(), "produit_sk": product_id}
    loss |= {"type_mouvement": "SORTIE", "motif": "perte", "quantite": "1.5"}
    out = manager_api_a.post(f"{BASE}/stock/mouvements", loss, content_type="application/json").json()
    move = loss | {"type_mouvement": "TRANSFERT", "site_destination": other}
    manager_api_a.post(f"{BASE}/stock/mouvements", move, content_type="application/json")
    events = list(AuditEvent.objects.filter(event_type=EventType.STOCK_MOVEMENT_RECORDED).order_by("id"))
    assert [(e.details["kind"], e.details["reason"], e.details["destination_site_id"]) for e in events] == [
        ("SORTIE", "loss", None),
        ("TRANSFERT", "", other),
    ]
    assert events[0].details["movement_id"] == out["id"]
    assert events[0].details["quantity"] == "1.500"
    assert {e.tenant_id for e in events} == {tenant_a.pk}
    assert {e.email for e in events} == {_bearer_user_email(manager_api_a)}
