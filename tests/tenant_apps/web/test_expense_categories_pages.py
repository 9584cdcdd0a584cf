"""/depenses/categories: the forms (no script, CSRF-protected) that add, edit, deactivate and delete an
expense category; a used category is not deleted and its page says to deactivate it; B sees none of A's."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.audit.models import AuditEvent, EventType
from shared_apps.tenants.models import Tenant
from tenant_apps.expenses.models import ExpenseCategory
from tests.factories.expenses import category_named, centre_make, centre_named, expense_make

from .conftest import HOST_B, browser, text
from .test_matrix import _signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]


@pytest.fixture
def manager(tenant_a: Tenant) -> Client:
    return _signed_in(tenant_a, "manager")


def _stored(tenant: Tenant, pk: int) -> ExpenseCategory | None:
    with schema_context(tenant.schema_name):
        return ExpenseCategory.objects.select_related("default_centre").filter(pk=pk).first()


def test_the_page_lists_the_categories_with_links_to_edit_them(tenant_a: Tenant, manager: Client) -> None:
    rent = category_named(tenant_a, "Loyer")
    page = manager.get("/depenses").content.decode()
    assert "Catégories de dépenses" in page
    assert f'href="/depenses/categories/{rent.pk}"' in page
    assert 'href="/depenses/categories/nouvelle"' in page
    reader = text(_signed_in(tenant_a, "read-only").get("/depenses"))
    assert "Loyer" in reader
    assert "Nouvelle catégorie" not in reader


def test_a_category_is_added_then_edited_and_deactivated_through_the_forms(
    tenant_a: Tenant, manager: Client
) -> None:
    energy = centre_named(tenant_a, "Énergie")
    created = manager.post("/depenses/categories/nouvelle", {"nom": "Vaisselle", "tva_pct_defaut": "20"})
    assert created.status_code == 302, text(created)
    category = category_named(tenant_a, "Vaisselle")
    form = manager.get(f"/depenses/categories/{category.pk}")
    assert 'value="Vaisselle"' in form.content.decode()
    edited = manager.post(
        f"/depenses/categories/{category.pk}",
        {"nom": "Vaisselle jetable", "tva_pct_defaut": "5.5", "centre_cout_defaut": energy.pk},
    )  # "actif" unticked: the category is deactivated
    assert edited.status_code == 302, text(edited)
    stored = _stored(tenant_a, category.pk)
    assert stored is not None
    assert (stored.name, stored.default_vat_rate, stored.default_centre, stored.is_active) == (
        "Vaisselle jetable",
        Decimal("5.5"),
        energy,
        False,
    )
    assert AuditEvent.objects.filter(
        tenant=tenant_a, event_type=EventType.EXPENSE_CATEGORY_UPDATED, details__category_id=category.pk
    ).exists()
    new_expense = text(manager.get("/depenses/nouvelle"))
    assert "Vaisselle jetable" not in new_expense  # a deactivated category leaves the expense form


def test_a_bad_rate_or_a_taken_name_is_shown_on_the_form(tenant_a: Tenant, manager: Client) -> None:
    category = category_named(tenant_a, "Eau")
    rate = manager.post(f"/depenses/categories/{category.pk}", {"nom": "Eau", "tva_pct_defaut": "19.6"})
    assert rate.status_code == 400
    taken = manager.post(f"/depenses/categories/{category.pk}", {"nom": "Gaz", "tva_pct_defaut": "5.5"})
    assert taken.status_code == 400
    assert "déjà pris" in text(taken)
    assert category_named(tenant_a, "Eau").default_vat_rate == Decimal("5.5")


def test_a_category_keeps_a_deactivated_centre_but_is_not_moved_to_one(
    tenant_a: Tenant, manager: Client
) -> None:
    closed = centre_make(tenant_a, "Ancien local", is_active=False)
    with schema_context(tenant_a.schema_name):
        old = ExpenseCategory.objects.create(name="Ancien loyer", default_centre=closed)
    kept = {"nom": "Ancien loyer", "tva_pct_defaut": "20", "centre_cout_defaut": closed.pk, "actif": "on"}
    assert manager.post(f"/depenses/categories/{old.pk}", kept).status_code == 302
    water = category_named(tenant_a, "Eau")
    moved = {"nom": "Eau", "tva_pct_defaut": "5.5", "centre_cout_defaut": closed.pk, "actif": "on"}
    assert manager.post(f"/depenses/categories/{water.pk}", moved).status_code == 400
    assert category_named(tenant_a, "Eau").default_centre_id == water.default_centre_id


def test_an_unused_category_is_deleted_and_a_used_one_kept_with_the_advice_to_deactivate_it(
    tenant_a: Tenant, manager: Client
) -> None:
    with schema_context(tenant_a.schema_name):
        unused = ExpenseCategory.objects.create(name="Éphémère")
    assert manager.post(f"/depenses/categories/{unused.pk}/supprimer").status_code == 302
    assert _stored(tenant_a, unused.pk) is None
    rent = category_named(tenant_a, "Loyer")
    expense_make(
        tenant_a, centre=centre_named(tenant_a, "Locaux"), ht="900.00", day=date(2025, 3, 1), category=rent
    )
    refused = manager.post(f"/depenses/categories/{rent.pk}/supprimer")
    assert refused.status_code == 409
    assert "désactivez-la plutôt que de la supprimer" in text(refused)
    assert 'value="Loyer"' in refused.content.decode()  # the form to deactivate it is right there
    assert _stored(tenant_a, rent.pk) is not None


def test_the_category_forms_need_the_csrf_token(tenant_a: Tenant) -> None:
    client = browser(csrf=True)
    client.cookies[settings.WEB_SESSION_COOKIE_NAME] = (
        _signed_in(tenant_a, "manager").cookies[settings.WEB_SESSION_COOKIE_NAME].value
    )
    category = category_named(tenant_a, "Eau")
    refused = client.post(f"/depenses/categories/{category.pk}/supprimer")
    assert refused.status_code == 403
    assert _stored(tenant_a, category.pk) is not None
    page = client.get(f"/depenses/categories/{category.pk}")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    form = {"nom": "Eau", "tva_pct_defaut": "10", "actif": "on", "csrfmiddlewaretoken": token[1]}
    assert client.post(f"/depenses/categories/{category.pk}", form).status_code == 302
    assert category_named(tenant_a, "Eau").default_vat_rate == Decimal("10")


def test_tenant_b_cannot_reach_a_s_categories(tenant_a: Tenant, tenant_b: Tenant) -> None:
    with schema_context(tenant_a.schema_name):
        secret = ExpenseCategory.objects.create(name="Catégorie secrète de A")
    owner_b = _signed_in(tenant_b, "owner", host=HOST_B)
    assert "Catégorie secrète de A" not in text(owner_b.get("/depenses"))
    assert owner_b.get(f"/depenses/categories/{secret.pk}").status_code == 404
    form = {"nom": "pris par B", "tva_pct_defaut": "20"}
    assert owner_b.post(f"/depenses/categories/{secret.pk}", form).status_code == 404
    assert owner_b.post(f"/depenses/categories/{secret.pk}/supprimer").status_code == 404
    stored = _stored(tenant_a, secret.pk)
    assert stored is not None
    assert stored.name == "Catégorie secrète de A"
