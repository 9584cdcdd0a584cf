"""The sales pages in a real browser: a recipe built on /plats/<id> (htmx search and add, no reload) shows
the material cost and food cost the API gives; /ventes draws its chart; no CSP violation on any page.
Screenshots of each page, desktop and phone."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django_tenants.utils import schema_context
from playwright.sync_api import Browser, Page, expect

from shared_apps.tenants.models import Tenant
from tenant_apps.sales.models import ImportSource
from tenant_apps.sales.services import sales_import_files
from tenant_apps.web.formatting import money_fr, percent_fr
from tests.factories.accounts import make_member
from tests.factories.catalog import PriceAlertFactory, ProductFactory
from tests.factories.metro import bearer_for
from tests.factories.sales import DishFactory
from tests.factories.sumup import SumupExportBuilder

from .conftest import LiveSite
from .test_journey import CspWatch, _context, _figure, _shot, _sign_in


@pytest.fixture
def csp() -> CspWatch:
    return CspWatch()


def _restaurant(tenant: Tenant, tmp_path: Path) -> tuple[int, int]:
    """Two days of till sales, a dish to cook, two products to cook it with, a price rise on one."""
    builder = SumupExportBuilder().add_order().add_order("ORDER-2", closed="2024-01-06 13:10:00")
    with schema_context(tenant.schema_name):
        sales_import_files(sources=builder.write(tmp_path), source=ImportSource.CLI)
        dish = DishFactory.create(name="Mafé", category="Plats", selling_price_ttc=Decimal("15.40"))
        beef = ProductFactory.create(designation="BOEUF PALERON", avg_unit_price=Decimal("12.400"))
        ProductFactory.create(designation="PATE ARACHIDE", avg_unit_price=Decimal("6.100"))
        PriceAlertFactory.create(product=beef, old_price=Decimal("11.000"), new_price=Decimal("12.400"))
        return dish.pk, beef.pk


def _add(page: Page, search: str, quantity: str, yield_pct: str) -> None:
    page.fill("#recherche-produit", search)
    result = page.locator("[data-result]")
    expect(result).to_have_count(1)
    page.fill("input[name=nouveau-quantite]", quantity)
    page.fill("input[name=nouveau-rendement]", yield_pct)
    result.locator("button").click()


def test_a_recipe_built_in_the_browser_costs_what_the_api_says(
    browser: Browser, live_site: LiveSite, db: None, csp: CspWatch, artefacts: Path, tmp_path: Path
) -> None:
    tenant = live_site.tenants["a"]
    dish_id, _ = _restaurant(tenant, tmp_path)
    owner = make_member(tenant=tenant, is_admin=True)
    context = _context(browser, csp)
    page = context.new_page()
    _sign_in(page, live_site, owner.user.email)
    expect(page).to_have_url(re.compile(r"/$"))

    page.goto(live_site.url("a", f"/plats/{dish_id}"))
    page.evaluate("window.reloaded = false")  # gone if the page reloads instead of swapping
    _add(page, "PALERON", "0,18", "90")
    expect(page.locator("[data-ingredient]")).to_have_count(1)
    _add(page, "ARACHIDE", "0,05", "100")
    expect(page.locator("[data-ingredient]")).to_have_count(2)
    assert page.evaluate("window.reloaded") is False
    api = Client(HTTP_HOST=f"{tenant.slug}.localhost", **bearer_for(tenant, admin=True))
    recipe = api.get(f"/api/v1/plats/{dish_id}/ingredients").json()
    assert Decimal(recipe["cout_matiere"]) == Decimal("2.785")  # 0.2 kg x 12.40 + 0.05 kg x 6.10
    assert _figure(page, "cout_matiere") == money_fr(Decimal(recipe["cout_matiere"]))
    assert _figure(page, "food_cost_pct") == percent_fr(Decimal(recipe["food_cost_pct"]))
    assert _figure(page, "marge_brute") == money_fr(Decimal(recipe["marge_brute"]))
    _shot(page, artefacts, "30-plat-recette")

    page.goto(live_site.url("a", "/ventes?date_debut=2024-01-05&date_fin=2024-01-06"))
    page.wait_for_selector(".chart .uplot")
    _shot(page, artefacts, "31-ventes")
    for path, name in (
        ("/plats", "32-plats"),
        ("/alertes-prix", "33-alertes-prix"),
        ("/ventes/import", "34-import-ventes"),
    ):
        page.goto(live_site.url("a", path))
        _shot(page, artefacts, name)
    expect(page.locator("h1")).to_have_text("Importer un export de caisse SumUp")

    phone_context = _context(browser, csp, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = phone_context.new_page()
    _sign_in(phone, live_site, owner.user.email)
    for path, name in (
        (f"/plats/{dish_id}?q=PALERON", "35-plat-mobile"),
        ("/ventes?date_debut=2024-01-05&date_fin=2024-01-06", "36-ventes-mobile"),
        ("/plats", "37-plats-mobile"),
        ("/alertes-prix", "38-alertes-prix-mobile"),
    ):
        phone.goto(live_site.url("a", path))
        _shot(phone, artefacts, name)
    phone_context.close()
    context.close()
    assert csp.violations == []
