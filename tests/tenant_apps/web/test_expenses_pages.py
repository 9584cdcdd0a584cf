"""/depenses: budgets against spending per centre for a month, the list and its filters, and the forms
(no script) that add, edit and delete an expense and add or edit a cost centre; tenant B sees none of A's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.audit.models import AuditEvent, EventType
from shared_apps.tenants.models import Tenant
from tenant_apps.expenses.models import CostCentre, Expense
from tests.factories.expenses import centre_make, centre_named, expense_make

from .conftest import HOST_B, text
from .test_matrix import _signed_in

NBSP = "\u00a0"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]


@pytest.fixture
def manager(tenant_a: Tenant) -> Client:
    return _signed_in(tenant_a, "manager")


def test_the_month_shows_each_centre_against_its_budget_and_its_expenses(
    tenant_a: Tenant, manager: Client
) -> None:
    rent = centre_make(tenant_a, "Loyer du local", budget="1000.00")
    expense_make(tenant_a, centre=rent, ht="1200.00", day=date(2025, 3, 5), supplier="SCI Les Tilleuls")
    expense_make(tenant_a, centre=rent, ht="50.00", day=date(2025, 4, 5), supplier="Hors du mois")
    response = manager.get("/depenses", {"mois": "2025-03"})
    assert response.status_code == 200
    page = text(response)
    assert "Loyer du local" in page
    assert "SCI Les Tilleuls" in page
    assert "Hors du mois" not in page
    assert (
        "1 200,00 € / 1 000,00 € · 120,0 %".replace(" ", NBSP)
        .replace(f"{NBSP}/{NBSP}", " / ")
        .replace(f"{NBSP}·{NBSP}", " · ")
        in page
    )
    assert 'class="budget-bar over"' in response.content.decode()  # over budget: drawn red
    assert "Ajouter une dépense" in page
    assert 'href="/depenses"' in response.content.decode()  # in the navigation


def test_the_list_filters_by_date_range_and_centre(tenant_a: Tenant, manager: Client) -> None:
    energy, premises = centre_named(tenant_a, "Énergie"), centre_named(tenant_a, "Locaux")
    expense_make(tenant_a, centre=energy, ht="10.00", day=date(2025, 3, 1), supplier="Premier")
    expense_make(tenant_a, centre=premises, ht="20.00", day=date(2025, 3, 20), supplier="Second")
    page = text(manager.get("/depenses", {"date_debut": "2025-03-10", "date_fin": "2025-03-31"}))
    assert "Second" in page
    assert "Premier" not in page
    page = text(manager.get("/depenses", {"mois": "2025-03", "centre": str(energy.pk)}))
    assert "Premier" in page
    assert "Second" not in page
    assert manager.get("/depenses", {"date_debut": "2025-04-01", "date_fin": "2025-03-01"}).status_code == 400


def test_a_reader_sees_the_page_without_the_forms(tenant_a: Tenant) -> None:
    reader = _signed_in(tenant_a, "read-only")
    page = text(reader.get("/depenses"))
    assert "Dépenses et budgets" in page
    assert "Ajouter une dépense" not in page
    assert reader.get("/depenses/nouvelle").status_code == 403


def test_an_expense_is_added_through_the_form_its_vat_computed(tenant_a: Tenant, manager: Client) -> None:
    energy = centre_named(tenant_a, "Énergie")
    form = {
        "date": "2025-03-12", "fournisseur": "EDF", "libelle": "Électricité", "reference": "F-1",
        "centre": energy.pk, "montant_ht": "100.00", "tva_pct": "20",
    }  # fmt: skip
    response = manager.post("/depenses/nouvelle", form)
    assert response.status_code == 302, text(response)
    assert response["Location"] == "/depenses?mois=2025-03"
    with schema_context(tenant_a.schema_name):
        expense = Expense.objects.get(supplier="EDF")
    assert (expense.vat, expense.amount_ttc) == (Decimal("20.00"), Decimal("120.00"))
    assert AuditEvent.objects.filter(tenant=tenant_a, event_type=EventType.EXPENSE_CREATED).exists()


def test_amounts_that_do_not_add_up_are_shown_on_their_field(tenant_a: Tenant, manager: Client) -> None:
    form = {
        "date": "2025-03-12", "fournisseur": "EDF", "libelle": "Électricité",
        "centre": centre_named(tenant_a, "Énergie").pk, "montant_ht": "100.00", "tva_pct": "20",
        "tva": "20.00", "montant_ttc": "125.00",
    }  # fmt: skip
    response = manager.post("/depenses/nouvelle", form)
    assert response.status_code == 400
    assert "Le TTC (125.00) doit être HT + TVA" in text(response)
    with schema_context(tenant_a.schema_name):
        assert not Expense.objects.exists()


def test_the_category_gives_the_rate_and_centre_when_left_empty(tenant_a: Tenant, manager: Client) -> None:
    from tests.factories.expenses import category_named

    insurance = category_named(tenant_a, "Assurances")
    form = {"date": "2025-03-12", "fournisseur": "AXA", "libelle": "Multirisque", "categorie": insurance.pk,
            "montant_ht": "90.00"}  # fmt: skip
    assert manager.post("/depenses/nouvelle", form).status_code == 302
    with schema_context(tenant_a.schema_name):
        expense = Expense.objects.select_related("centre").get(supplier="AXA")
    assert (expense.vat_rate, expense.amount_ttc, expense.centre.name) == (
        Decimal(0),
        Decimal("90.00"),
        "Frais généraux",
    )


def test_an_expense_is_edited_then_deleted_through_the_forms(tenant_a: Tenant, manager: Client) -> None:
    energy = centre_named(tenant_a, "Énergie")
    expense = expense_make(tenant_a, centre=energy, ht="100.00", day=date(2025, 3, 1), supplier="Engie")
    assert "Engie" in text(manager.get(f"/depenses/{expense.pk}"))
    form = {"date": "2025-03-02", "fournisseur": "Engie", "libelle": "Gaz", "centre": energy.pk,
            "montant_ht": "200.00", "tva_pct": "5.5"}  # fmt: skip
    assert manager.post(f"/depenses/{expense.pk}", form).status_code == 302
    with schema_context(tenant_a.schema_name):
        expense.refresh_from_db()
    assert (expense.label, expense.vat, expense.amount_ttc) == ("Gaz", Decimal("11.00"), Decimal("211.00"))
    assert manager.post(f"/depenses/{expense.pk}/supprimer").status_code == 302
    with schema_context(tenant_a.schema_name):
        assert not Expense.objects.filter(pk=expense.pk).exists()


def test_a_centre_is_added_and_its_budget_edited_through_the_forms(tenant_a: Tenant, manager: Client) -> None:
    response = manager.post(
        "/depenses/centres/nouveau", {"nom": "Livraison", "type_cout": "variable", "budget_mensuel": "300"}
    )
    assert response.status_code == 302, text(response)
    centre = centre_named(tenant_a, "Livraison")
    form = {"nom": "Livraison", "type_cout": "fixe", "budget_mensuel": "450.00", "actif": "on"}
    assert manager.post(f"/depenses/centres/{centre.pk}", form).status_code == 302
    with schema_context(tenant_a.schema_name):
        centre = CostCentre.objects.get(pk=centre.pk)
    assert (centre.kind, centre.monthly_budget, centre.is_active) == ("fixe", Decimal("450.00"), True)
    taken = manager.post("/depenses/centres/nouveau", {"nom": "Personnel", "type_cout": "fixe"})
    assert taken.status_code == 400
    assert "déjà pris" in text(taken)


def test_tenant_b_sees_none_of_a_s_expenses(tenant_a: Tenant, tenant_b: Tenant) -> None:
    centre = centre_make(tenant_a, "Centre secret de A", budget="999.00")
    expense = expense_make(
        tenant_a, centre=centre, ht="10.00", day=date(2025, 3, 1), supplier="Fournisseur de A"
    )
    owner_b = _signed_in(tenant_b, "owner", host=HOST_B)
    for path in ("/depenses", "/depenses?mois=2025-03", "/depenses/nouvelle"):
        page = text(owner_b.get(path))
        assert "Centre secret de A" not in page
        assert "Fournisseur de A" not in page
    assert owner_b.get(f"/depenses/{expense.pk}").status_code == 404
    assert owner_b.post(f"/depenses/{expense.pk}/supprimer").status_code == 404
    assert owner_b.get(f"/depenses/centres/{centre.pk}").status_code == 404
    with schema_context(tenant_a.schema_name):
        assert Expense.objects.filter(pk=expense.pk).exists()
