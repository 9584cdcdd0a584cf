"""The expenses page in a real browser, on a desktop and on a phone: budgets against spending, an expense
added through the form (no script needed), and no Content Security Policy violation."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from django_tenants.utils import schema_context
from playwright.sync_api import Browser, expect

from tenant_apps.expenses.models import CostCentre, Expense
from tests.factories.accounts import make_member
from tests.factories.expenses import expense_make

from .conftest import LiveSite
from .test_journey import CspWatch, _context, _shot, _sign_in, csp  # noqa: F401

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def _month_of_spending(site: LiveSite) -> None:
    tenant = site.tenants["a"]
    with schema_context(tenant.schema_name):
        CostCentre.objects.filter(name="Locaux").update(monthly_budget=Decimal("1500.00"))
        CostCentre.objects.filter(name="Énergie").update(monthly_budget=Decimal("300.00"))
        premises = CostCentre.objects.get(name="Locaux")
        energy = CostCentre.objects.get(name="Énergie")
    expense_make(tenant, centre=premises, ht="1500.00", day=date(2025, 3, 1), supplier="SCI du Port")
    expense_make(tenant, centre=energy, ht="342.10", day=date(2025, 3, 28), supplier="EDF")


def test_expenses_page_on_desktop_and_phone(
    browser: Browser,
    live_site: LiveSite,
    db: None,
    csp: CspWatch,  # noqa: F811
    artefacts: Path,
) -> None:
    owner = make_member(tenant=live_site.tenants["a"], is_admin=True)
    _month_of_spending(live_site)
    desktop = _context(browser, csp)
    page = desktop.new_page()
    _sign_in(page, live_site, owner.user.email)
    expect(page).to_have_url(re.compile(r"/$"))
    page.click("nav >> text=Dépenses")
    page.goto(live_site.url("a", "/depenses?mois=2025-03"))
    expect(page.locator(".budget-bars")).to_contain_text("Énergie")
    expect(page.locator("svg.budget-bar.over")).to_have_count(1)  # energy: 342.10 of 300
    _shot(page, artefacts, "30-depenses")
    page.click("text=Ajouter une dépense")
    page.fill("input[name=date]", "2025-03-15")
    page.fill("input[name=fournisseur]", "Veolia")
    page.fill("input[name=libelle]", "Eau du trimestre")
    page.select_option("select[name=categorie]", label="Eau")
    page.fill("input[name=montant_ht]", "80.00")
    _shot(page, artefacts, "31-depense-formulaire")
    page.click("form button[type=submit] >> text=Enregistrer")
    expect(page).to_have_url(re.compile(r"/depenses\?mois=2025-03$"))
    expect(page.get_by_role("link", name="Veolia")).to_be_visible()
    with schema_context(live_site.tenants["a"].schema_name):
        water = Expense.objects.get(supplier="Veolia")
    assert (water.vat_rate, water.amount_ttc) == (Decimal("5.5"), Decimal("84.40"))
    desktop.close()

    phone = _context(browser, csp, **PHONE)
    page = phone.new_page()
    _sign_in(page, live_site, owner.user.email)
    page.goto(live_site.url("a", "/depenses?mois=2025-03"))
    expect(page.locator(".budget-bars")).to_contain_text("Locaux")
    _shot(page, artefacts, "32-depenses-telephone")
    phone.close()
    assert csp.violations == []
