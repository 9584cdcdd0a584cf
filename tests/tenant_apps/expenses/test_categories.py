"""/depenses/categories/{id}: read, edit (name, default rate and centre, active) and delete an expense
category; a used category is refused with a 409 that points to deactivation; each write audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.audit.models import AuditEvent, EventType
from shared_apps.tenants.models import Tenant
from tenant_apps.expenses.models import ExpenseCategory
from tests.factories.expenses import category_named, centre_make, centre_named, expense_make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/depenses/categories"
JSON = "application/json"


def _category(tenant: Tenant, name: str, **fields: Any) -> ExpenseCategory:
    with schema_context(tenant.schema_name):
        return ExpenseCategory.objects.create(name=name, **fields)


def _fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["details"]["errors"]]


def test_a_category_is_read_by_id(reader_a: Client, tenant_a: Tenant) -> None:
    rent = category_named(tenant_a, "Loyer")
    body = reader_a.get(f"{URL}/{rent.pk}").json()
    assert (body["nom"], body["centre_cout_defaut_nom"], body["actif"]) == ("Loyer", "Locaux", True)
    assert reader_a.get(f"{URL}/999999").json()["error"] == "NOT_FOUND"


def test_a_manager_edits_every_field_of_a_category_audited(manager_a: Client, tenant_a: Tenant) -> None:
    category = _category(tenant_a, "Vaisselle")
    energy = centre_named(tenant_a, "Énergie")
    body = {"nom": " Vaisselle jetable ", "tva_pct_defaut": "5.5", "centre_cout_defaut": energy.pk}
    edited = manager_a.patch(f"{URL}/{category.pk}", body, content_type=JSON)
    assert edited.status_code == 200, edited.content
    assert {k: edited.json()[k] for k in ("nom", "tva_pct_defaut", "centre_cout_defaut_nom", "actif")} == {
        "nom": "Vaisselle jetable",
        "tva_pct_defaut": "5.5",
        "centre_cout_defaut_nom": "Énergie",
        "actif": True,
    }
    off = manager_a.patch(
        f"{URL}/{category.pk}", {"actif": False, "centre_cout_defaut": None}, content_type=JSON
    )
    assert (off.json()["actif"], off.json()["centre_cout_defaut"]) == (False, None)
    events = AuditEvent.objects.filter(
        tenant=tenant_a, event_type=EventType.EXPENSE_CATEGORY_UPDATED, details__category_id=category.pk
    ).order_by("id")
    assert [e.details for e in events] == [
        {"category_id": category.pk, "default_vat_rate": "5.5", "default_centre": str(energy.pk)},
        {"category_id": category.pk, "is_active": "False", "default_centre": "None"},
    ]


def test_a_deactivated_category_is_kept_by_its_expenses_and_refused_to_new_ones(
    manager_a: Client, tenant_a: Tenant
) -> None:
    rent = category_named(tenant_a, "Loyer")
    premises = centre_named(tenant_a, "Locaux")
    old = expense_make(tenant_a, centre=premises, ht="900.00", day=date(2025, 2, 1), category=rent)
    assert manager_a.patch(f"{URL}/{rent.pk}", {"actif": False}, content_type=JSON).status_code == 200
    kept = manager_a.patch(
        f"/api/v1/depenses/{old.pk}", {"categorie": rent.pk, "libelle": "Loyer février"}, content_type=JSON
    )
    assert kept.status_code == 200, kept.content
    new = {
        "date": "2025-03-01",
        "fournisseur": "SCI",
        "libelle": "Loyer",
        "categorie": rent.pk,
        "montant_ht": "900",
    }
    refused = manager_a.post("/api/v1/depenses", new, content_type=JSON)
    assert refused.status_code == 422, refused.content
    assert _fields(refused) == ["categorie"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"tva_pct_defaut": "19.6"}, "tva_pct_defaut"),
        ({"nom": ""}, "nom"),
        ({"centre_cout_defaut": 999999}, "centre_cout_defaut"),
        ({"actif": "peut-être"}, "actif"),
    ],
)
def test_a_bad_change_is_a_422_naming_the_field(
    manager_a: Client, tenant_a: Tenant, body: dict[str, Any], field: str
) -> None:
    category = category_named(tenant_a, "Eau")
    response = manager_a.patch(f"{URL}/{category.pk}", body, content_type=JSON)
    assert response.status_code == 422, response.content
    assert _fields(response) == [field]


def test_a_category_may_keep_a_deactivated_centre_but_not_move_to_one(
    manager_a: Client, tenant_a: Tenant
) -> None:
    closed = centre_make(tenant_a, "Ancien local", is_active=False)
    category = _category(tenant_a, "Ancien loyer", default_centre=closed)
    kept = manager_a.patch(f"{URL}/{category.pk}", {"centre_cout_defaut": closed.pk}, content_type=JSON)
    assert kept.status_code == 200, kept.content
    other = category_named(tenant_a, "Eau")
    moved = manager_a.patch(f"{URL}/{other.pk}", {"centre_cout_defaut": closed.pk}, content_type=JSON)
    assert moved.status_code == 422, moved.content
    assert _fields(moved) == ["centre_cout_defaut"]
    assert category_named(tenant_a, "Eau").default_centre_id == other.default_centre_id


def test_a_taken_name_is_a_409(manager_a: Client, tenant_a: Tenant) -> None:
    category = category_named(tenant_a, "Eau")
    response = manager_a.patch(f"{URL}/{category.pk}", {"nom": "Gaz"}, content_type=JSON)
    assert response.status_code == 409, response.content
    assert response.json()["error"] == "NAME_TAKEN"


def test_an_unused_category_is_deleted_audited(manager_a: Client, tenant_a: Tenant) -> None:
    category = _category(tenant_a, "Éphémère")
    assert manager_a.delete(f"{URL}/{category.pk}").status_code == 204
    assert manager_a.get(f"{URL}/{category.pk}").status_code == 404
    assert AuditEvent.objects.filter(
        tenant=tenant_a, event_type=EventType.EXPENSE_CATEGORY_DELETED, details__category_id=category.pk
    ).exists()


def test_a_used_category_is_not_deleted_a_409_suggests_deactivating(
    manager_a: Client, tenant_a: Tenant
) -> None:
    rent = category_named(tenant_a, "Loyer")
    expense_make(
        tenant_a, centre=centre_named(tenant_a, "Locaux"), ht="900.00", day=date(2025, 3, 1), category=rent
    )
    response = manager_a.delete(f"{URL}/{rent.pk}")
    assert response.status_code == 409, response.content
    body = response.json()
    assert (body["error"], body["details"]) == ("CATEGORY_IN_USE", {"expenses": 1})
    assert "désactivez-la" in body["message"]
    kept = manager_a.get(f"{URL}/{rent.pk}").json()
    assert (kept["nom"], kept["actif"]) == ("Loyer", True)
    assert not AuditEvent.objects.filter(
        tenant=tenant_a, event_type=EventType.EXPENSE_CATEGORY_DELETED
    ).exists()


def test_a_reader_may_not_change_or_delete_a_category(reader_a: Client, tenant_a: Tenant) -> None:
    category = category_named(tenant_a, "Eau")
    assert reader_a.patch(f"{URL}/{category.pk}", {"actif": False}, content_type=JSON).status_code == 403
    assert reader_a.delete(f"{URL}/{category.pk}").status_code == 403
    assert category_named(tenant_a, "Eau").is_active
