"""/centres-couts and /depenses/categories: the seeded defaults, CRUD, refusals naming the field, audit."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from shared_apps.audit.models import AuditEvent, EventType
from shared_apps.tenants.models import Tenant
from tests.factories.expenses import centre_make, expense_make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/centres-couts"
JSON = "application/json"


def _fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["details"]["errors"]]


def test_a_tenant_starts_with_french_centres_and_categories(reader_a: Client) -> None:
    centres = {c["nom"]: c for c in reader_a.get(URL).json()}
    assert {"Matières premières", "Personnel", "Locaux", "Énergie", "Marketing"} <= set(centres)
    assert [name for name, c in centres.items() if c["achats_fournisseurs"]] == ["Matières premières"]
    assert centres["Locaux"]["type_cout"] == "fixe"
    categories = {c["nom"]: c for c in reader_a.get("/api/v1/depenses/categories").json()}
    assert categories["Loyer"]["centre_cout_defaut_nom"] == "Locaux"
    assert categories["Assurances"]["tva_pct_defaut"] == "0.0"
    assert categories["Eau"]["tva_pct_defaut"] == "5.5"
    assert {"Électricité", "Frais bancaires", "Marketing et publicité", "Entretien et réparations"} <= set(
        categories
    )


def test_a_manager_creates_reads_and_edits_a_centre_each_write_audited(
    manager_a: Client, tenant_a: Tenant
) -> None:
    created = manager_a.post(
        URL, {"nom": "Livraison", "type_cout": "variable", "budget_mensuel": "800.00"}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    centre = created.json()
    assert (centre["budget_mensuel"], centre["actif"], centre["achats_fournisseurs"]) == (
        "800.00",
        True,
        False,
    )
    assert manager_a.get(f"{URL}/{centre['id']}").json()["nom"] == "Livraison"
    edited = manager_a.patch(
        f"{URL}/{centre['id']}", {"budget_mensuel": "950.50", "type_cout": "fixe"}, content_type=JSON
    )
    assert edited.status_code == 200, edited.content
    assert (edited.json()["budget_mensuel"], edited.json()["type_cout"]) == ("950.50", "fixe")
    events = AuditEvent.objects.filter(tenant=tenant_a, details__centre_id=centre["id"])
    assert sorted(events.values_list("event_type", flat=True)) == [
        EventType.COST_CENTRE_CREATED,
        EventType.COST_CENTRE_UPDATED,
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nom": "X", "budget_mensuel": "-1.00"}, "budget_mensuel"),
        ({"nom": "X", "budget_mensuel": "10.001"}, "budget_mensuel"),
        ({"nom": "X", "type_cout": "mensuel"}, "type_cout"),
        ({"budget_mensuel": "10"}, "nom"),
    ],
)
def test_a_bad_centre_is_a_422_naming_the_field(manager_a: Client, body: dict[str, str], field: str) -> None:
    response = manager_a.post(URL, body, content_type=JSON)
    assert response.status_code == 422, response.content
    assert response.json()["error"] == "VALIDATION_ERROR"
    assert _fields(response) == [field]


def test_a_taken_name_is_a_409(manager_a: Client) -> None:
    response = manager_a.post(URL, {"nom": "Personnel"}, content_type=JSON)
    assert response.status_code == 409, response.content
    assert response.json()["error"] == "NAME_TAKEN"


def test_deleting_an_unused_centre_removes_it_and_a_used_one_is_deactivated(
    manager_a: Client, tenant_a: Tenant
) -> None:
    unused = centre_make(tenant_a, "Éphémère")
    used = centre_make(tenant_a, "Travaux", budget="500")
    expense_make(tenant_a, centre=used, ht="120.00", day=date(2025, 3, 2))
    assert manager_a.delete(f"{URL}/{unused.pk}").status_code == 204
    assert manager_a.get(f"{URL}/{unused.pk}").status_code == 404
    assert manager_a.delete(f"{URL}/{used.pk}").status_code == 204
    kept = manager_a.get(f"{URL}/{used.pk}").json()
    assert kept["actif"] is False
    assert used.pk not in [c["id"] for c in manager_a.get(URL, {"actif": "true"}).json()]
    refused = manager_a.post(
        "/api/v1/depenses",
        {
            "date": "2025-03-05",
            "fournisseur": "X",
            "libelle": "Y",
            "centre_cout": used.pk,
            "montant_ht": "10",
        },
        content_type=JSON,
    )
    assert refused.status_code == 422
    assert _fields(refused) == ["centre_cout"]
    deleted = AuditEvent.objects.filter(tenant=tenant_a, event_type=EventType.COST_CENTRE_DELETED)
    assert sorted(e.details["deactivated_only"] for e in deleted) == [False, True]


def test_categories_are_created_with_a_french_rate(manager_a: Client, tenant_a: Tenant) -> None:
    created = manager_a.post(
        "/api/v1/depenses/categories", {"nom": "Vaisselle", "tva_pct_defaut": "20"}, content_type=JSON
    )
    assert created.status_code == 201, created.content
    assert AuditEvent.objects.filter(
        tenant=tenant_a,
        event_type=EventType.EXPENSE_CATEGORY_CREATED,
        details__category_id=created.json()["id"],
    ).exists()
    refused = manager_a.post(
        "/api/v1/depenses/categories", {"nom": "Autre", "tva_pct_defaut": "19.6"}, content_type=JSON
    )
    assert refused.status_code == 422
    assert _fields(refused) == ["tva_pct_defaut"]


def test_a_reader_may_not_write(reader_a: Client) -> None:
    assert reader_a.post(URL, {"nom": "Z"}, content_type=JSON).status_code == 403
