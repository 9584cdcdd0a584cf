"""Every write to a dish or its recipe leaves its audit row, in its own transaction; a refusal leaves none."""

from __future__ import annotations

import pytest
from django.test import Client

from shared_apps.audit.models import AuditEvent, EventType
from shared_apps.tenants.models import Tenant
from tests.factories.metro import _parse_once_per_session  # noqa: F401
from tests.factories.sales import stocked_product

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/plats"


def _events(tenant: Tenant, event_type: EventType) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(tenant=tenant, event_type=event_type).order_by("id"))


def test_creating_editing_costing_and_deleting_a_dish_are_audited(
    tenant_a: Tenant, admin_api_a: Client
) -> None:
    product_id, _, _ = stocked_product(tenant_a)
    created = admin_api_a.post(
        URL, {"nom": "Yassa", "prix_vente_ttc": "16.50"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    dish_id = created.json()["id"]
    edited = admin_api_a.patch(f"{URL}/{dish_id}", {"nom": "Poulet yassa"}, content_type="application/json")
    assert edited.status_code == 200, edited.content
    recipe = [{"produit_sk": product_id, "quantite": "0.25"}]
    costed = admin_api_a.put(f"{URL}/{dish_id}/ingredients", recipe, content_type="application/json")
    assert costed.status_code == 200, costed.content
    assert admin_api_a.delete(f"{URL}/{dish_id}").status_code == 204

    [create] = _events(tenant_a, EventType.DISH_CREATED)
    [update] = _events(tenant_a, EventType.DISH_UPDATED)
    [recipe_row] = _events(tenant_a, EventType.RECIPE_SET)
    [delete] = _events(tenant_a, EventType.DISH_DELETED)
    for row in (create, update, recipe_row, delete):
        assert row.details["dish_id"] == dish_id
        assert row.user is not None
        assert row.email == row.user.email
        assert row.request_id
    assert create.details["fields"] == {"selling_price_ttc": "16.50"}
    assert update.details["fields"] == {"name": "Poulet yassa"}
    assert recipe_row.details["ingredients"] == [
        {"product_id": product_id, "quantity": "0.2500", "yield": "1"}
    ]
    assert recipe_row.details["exits_written"] == 0


def test_a_refused_write_leaves_no_audit_row(tenant_a: Tenant, admin_api_a: Client) -> None:
    created = admin_api_a.post(URL, {"nom": "Yassa"}, content_type="application/json")
    assert created.status_code == 201
    again = admin_api_a.post(URL, {"nom": "Yassa"}, content_type="application/json")
    assert again.status_code == 409, again.content
    unknown = [{"produit_sk": 999_999, "quantite": "1"}]
    refused = admin_api_a.put(
        f"{URL}/{created.json()['id']}/ingredients", unknown, content_type="application/json"
    )
    assert refused.status_code == 400, refused.content
    assert len(_events(tenant_a, EventType.DISH_CREATED)) == 1
    assert _events(tenant_a, EventType.RECIPE_SET) == []


def test_a_reader_cannot_write_and_leaves_no_audit_row(tenant_a: Tenant, reader_a: Client) -> None:
    response = reader_a.post(URL, {"nom": "Yassa"}, content_type="application/json")
    assert response.status_code == 403
    assert _events(tenant_a, EventType.DISH_CREATED) == []
