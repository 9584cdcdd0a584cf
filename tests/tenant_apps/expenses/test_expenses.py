"""/depenses: amounts checked to the cent (TTC = HT + VAT, French rates), defaults from the category,
filters and pages, changes and deletion, each write audited."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.audit.models import AuditEvent, EventType
from shared_apps.tenants.models import Tenant
from tenant_apps.expenses.models import Expense
from tests.factories.expenses import category_named, centre_make, centre_named, expense_make

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/depenses"
JSON = "application/json"


def _post(client: Client, **body: Any) -> Any:
    base = {"date": "2025-03-10", "fournisseur": "EDF", "libelle": "Électricité mars"}
    return client.post(URL, {**base, **body}, content_type=JSON)


def _fields(response: Any) -> list[str]:
    return [error["field"] for error in response.json()["details"]["errors"]]


def test_an_expense_from_its_ht_and_rate_gets_its_vat_and_ttc_and_an_audit_row(
    manager_a: Client, tenant_a: Tenant
) -> None:
    centre = centre_named(tenant_a, "Énergie")
    response = _post(manager_a, centre_cout=centre.pk, montant_ht="123.45", tva_pct="20", reference="F-77")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["montant_ht"], body["tva"], body["montant_ttc"]) == ("123.45", "24.69", "148.14")
    assert (body["centre_cout_nom"], body["reference"], body["categorie"]) == ("Énergie", "F-77", None)
    event = AuditEvent.objects.get(tenant=tenant_a, event_type=EventType.EXPENSE_CREATED)
    assert event.details["expense_id"] == body["id"]


def test_a_ttc_alone_is_split_at_the_rate(manager_a: Client, tenant_a: Tenant) -> None:
    response = _post(
        manager_a, centre_cout=centre_named(tenant_a, "Énergie").pk, montant_ttc="110.00", tva_pct="10"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["montant_ht"], response.json()["tva"]) == ("100.00", "10.00")


def test_the_category_gives_the_rate_and_the_centre(manager_a: Client, tenant_a: Tenant) -> None:
    insurance = category_named(tenant_a, "Assurances")
    response = _post(manager_a, categorie=insurance.pk, montant_ht="300.00")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["tva_pct"], body["tva"], body["montant_ttc"]) == ("0.0", "0.00", "300.00")
    assert (body["centre_cout_nom"], body["categorie_nom"]) == ("Frais généraux", "Assurances")


@pytest.mark.parametrize(
    ("amounts", "field"),
    [
        ({"montant_ht": "100.00", "tva_pct": "20", "tva": "20.00", "montant_ttc": "120.01"}, "montant_ttc"),
        ({"montant_ht": "100.00", "tva_pct": "20", "tva": "19.50"}, "tva"),
        ({"montant_ht": "100.00", "tva_pct": "7"}, "tva_pct"),
        ({"montant_ht": "100.001", "tva_pct": "20"}, "montant_ht"),
        ({"montant_ht": "-5.00", "tva_pct": "20"}, "montant_ht"),
        ({"tva_pct": "20"}, "montant_ht"),
        ({"montant_ht": "100.00"}, "tva_pct"),
    ],
)
def test_amounts_that_do_not_add_up_are_a_422_naming_the_field(
    manager_a: Client, tenant_a: Tenant, amounts: dict[str, str], field: str
) -> None:
    response = _post(manager_a, centre_cout=centre_named(tenant_a, "Énergie").pk, **amounts)
    assert response.status_code == 422, response.content
    assert _fields(response) == [field]
    assert not AuditEvent.objects.filter(tenant=tenant_a, event_type=EventType.EXPENSE_CREATED).exists()


def test_a_vat_a_cent_off_the_rate_is_accepted_as_printed(manager_a: Client, tenant_a: Tenant) -> None:
    amounts = {"montant_ht": "100.00", "tva_pct": "20", "tva": "20.01", "montant_ttc": "120.01"}
    response = _post(manager_a, centre_cout=centre_named(tenant_a, "Énergie").pk, **amounts)
    assert response.status_code == 201, response.content


def test_without_centre_nor_category_the_centre_is_asked_for(manager_a: Client) -> None:
    response = _post(manager_a, montant_ht="10.00", tva_pct="20")
    assert response.status_code == 422
    assert _fields(response) == ["centre_cout"]


def test_postgresql_refuses_a_ttc_that_is_not_ht_plus_vat(tenant_a: Tenant) -> None:
    centre = centre_named(tenant_a, "Énergie")
    with schema_context(tenant_a.schema_name), pytest.raises(IntegrityError):
        Expense.objects.create(
            date=date(2025, 1, 1), supplier="X", label="Y", centre=centre, amount_ht=Decimal("10.00"),
            vat_rate=Decimal("20"), vat=Decimal("2.00"), amount_ttc=Decimal("12.50"),
        )  # fmt: skip


def test_the_list_filters_by_dates_centre_and_category_and_pages(manager_a: Client, tenant_a: Tenant) -> None:
    energy, premises = centre_named(tenant_a, "Énergie"), centre_named(tenant_a, "Locaux")
    rent = category_named(tenant_a, "Loyer")
    for day in (1, 5, 9, 20):
        expense_make(tenant_a, centre=energy, ht=f"{day}.00", day=date(2025, 3, day))
    expense_make(tenant_a, centre=premises, ht="1500.00", day=date(2025, 3, 1), category=rent)
    expense_make(tenant_a, centre=premises, ht="1500.00", day=date(2025, 4, 1), category=rent)
    march = manager_a.get(URL, {"date_debut": "2025-03-01", "date_fin": "2025-03-31", "per_page": "2"})
    body = march.json()
    assert (body["total"], body["pages"], len(body["items"])) == (5, 3, 2)
    assert [i["date"] for i in body["items"]] == ["2025-03-20", "2025-03-09"]
    by_centre = manager_a.get(
        URL, {"centre_cout": str(energy.pk), "date_debut": "2025-03-02", "date_fin": "2025-03-09"}
    )
    assert [i["montant_ht"] for i in by_centre.json()["items"]] == ["9.00", "5.00"]
    by_category = manager_a.get(URL, {"categorie": rent.pk})
    assert [i["date"] for i in by_category.json()["items"]] == ["2025-04-01", "2025-03-01"]
    backwards = manager_a.get(URL, {"date_debut": "2025-04-01", "date_fin": "2025-03-01"})
    assert backwards.status_code == 422
    assert _fields(backwards) == ["date_debut"]


def test_the_list_costs_two_queries_whatever_its_length(
    manager_a: Client, tenant_a: Tenant, django_assert_max_num_queries: Any
) -> None:
    energy, rent = centre_named(tenant_a, "Énergie"), category_named(tenant_a, "Loyer")
    for day in range(1, 21):
        expense_make(tenant_a, centre=energy, ht="10.00", day=date(2025, 3, day), category=rent)
    manager_a.get(URL)  # warm the principal's caches
    with django_assert_max_num_queries(8):  # authentication and tenant routing, then count + page
        assert len(manager_a.get(URL).json()["items"]) == 20


def test_a_change_recomputes_the_amounts_from_what_is_given(manager_a: Client, tenant_a: Tenant) -> None:
    expense = expense_make(
        tenant_a, centre=centre_named(tenant_a, "Énergie"), ht="100.00", day=date(2025, 3, 1)
    )
    url = f"{URL}/{expense.pk}"
    new_ht = manager_a.patch(url, {"montant_ht": "200.00"}, content_type=JSON).json()
    assert (new_ht["tva"], new_ht["montant_ttc"]) == ("40.00", "240.00")
    new_rate = manager_a.patch(url, {"tva_pct": "5.5"}, content_type=JSON).json()
    assert (new_rate["montant_ht"], new_rate["tva"], new_rate["montant_ttc"]) == ("200.00", "11.00", "211.00")
    relabelled = manager_a.patch(
        url, {"libelle": "Gaz", "centre_cout": centre_named(tenant_a, "Locaux").pk}, content_type=JSON
    )
    assert relabelled.status_code == 200, relabelled.content
    assert (relabelled.json()["libelle"], relabelled.json()["centre_cout_nom"]) == ("Gaz", "Locaux")
    assert relabelled.json()["montant_ttc"] == "211.00"
    refused = manager_a.patch(url, {"tva": "30.00"}, content_type=JSON)
    assert refused.status_code == 422
    assert _fields(refused) == ["tva"]
    assert AuditEvent.objects.filter(tenant=tenant_a, event_type=EventType.EXPENSE_UPDATED).count() == 3


def test_an_expense_keeps_a_centre_deactivated_since(manager_a: Client, tenant_a: Tenant) -> None:
    centre = centre_make(tenant_a, "Ancien", is_active=False)
    expense = expense_make(tenant_a, centre=centre, ht="10.00", day=date(2025, 3, 1))
    response = manager_a.patch(
        f"{URL}/{expense.pk}", {"centre_cout": centre.pk, "libelle": "X"}, content_type=JSON
    )
    assert response.status_code == 200, response.content


def test_deleting_an_expense_is_audited_and_it_is_gone(manager_a: Client, tenant_a: Tenant) -> None:
    expense = expense_make(
        tenant_a, centre=centre_named(tenant_a, "Énergie"), ht="10.00", day=date(2025, 3, 1)
    )
    assert manager_a.delete(f"{URL}/{expense.pk}").status_code == 204
    assert manager_a.get(f"{URL}/{expense.pk}").status_code == 404
    assert (
        AuditEvent.objects.get(tenant=tenant_a, event_type=EventType.EXPENSE_DELETED).details["ht"] == "10.00"
    )
