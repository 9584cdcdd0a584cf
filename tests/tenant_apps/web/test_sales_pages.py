"""The sales pages: /ventes (same selectors as the analytics API, the SumUp import without script),
/plats and /plats/<id> (the recipe editor, through the service of PUT /plats/{id}/ingredients), and
/alertes-prix (the dishes a rise reaches)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import PriceAlert
from tenant_apps.sales.models import Dish, Order, RecipeLine
from tenant_apps.web.formatting import money_fr, percent_fr
from tests.factories.access import member_with_role
from tests.factories.catalog import PriceAlertFactory, ProductFactory
from tests.factories.metro import bearer_for
from tests.factories.sales import DishFactory, RecipeLineFactory
from tests.factories.sumup import SumupExportBuilder

from .conftest import browser, sign_in, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]


def _api(tenant: Tenant) -> Client:
    return Client(HTTP_HOST="alpha.testserver", **bearer_for(tenant, admin=True))


def _zip(tmp_path: Path, builder: SumupExportBuilder) -> SimpleUploadedFile:
    path = builder.zip(tmp_path / "export.zip")
    return SimpleUploadedFile("export.zip", path.read_bytes(), content_type="application/zip")


def test_the_sales_page_imports_an_export_without_script_and_shows_the_apis_figures(
    admin_browser: Client, tenant_a: Tenant, tmp_path: Path
) -> None:
    builder = SumupExportBuilder().add_order().add_order("ORDER-2", closed="2024-01-06 13:10:00")
    imported = admin_browser.post("/ventes/import", {"files": [_zip(tmp_path, builder)]})
    assert imported.status_code == 200, text(imported)
    assert "2 commande(s) importée(s) sur 2" in text(imported)
    period = {"date_debut": "2024-01-05", "date_fin": "2024-01-06"}
    days = _api(tenant_a).get("/api/v1/analytics/ventes/restaurant", period).json()
    assert len(days) == 2
    page = admin_browser.get("/ventes", period)
    assert page.status_code == 200
    body = text(page)
    total = sum(Decimal(day["ca_ttc"]) for day in days)
    assert f'data-figure="ca_ttc">{money_fr(total)}<' in body
    for day in days:
        assert money_fr(Decimal(day["ca_ttc"])) in body
    assert 'id="chart-days" type="application/json"' in body
    assert "MAFE POISSON FUME" in body
    assert "GUINESS" in body
    assert f"<strong>{percent_fr(Decimal(100))}</strong>" in body  # no dish has a recipe yet


def test_a_broken_export_is_refused_in_french_and_nothing_is_written(
    admin_browser: Client, tenant_a: Tenant, tmp_path: Path
) -> None:
    builder = SumupExportBuilder().add_order().drop_column("produits", "CA HT")
    response = admin_browser.post(
        "/ventes/import", {"files": [_zip(tmp_path, builder)]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "colonne « CA HT » : colonne manquante" in text(response)
    assert text(response).startswith('<div id="import-report"')
    nothing = admin_browser.post("/ventes/import", {})
    assert "Choisissez le zip de l'export SumUp" in text(nothing)
    with schema_context(tenant_a.schema_name):
        assert not Order.objects.exists()


def test_dishes_are_listed_filtered_and_created(admin_browser: Client, tenant_a: Tenant) -> None:
    with schema_context(tenant_a.schema_name):
        DishFactory.create(name="Tarte tatin", category="Desserts", is_active=False)
    created = admin_browser.post(
        "/plats/nouveau",
        {"nom": "Poulet yassa", "categorie": "Plats", "canal": "restaurant", "prix_vente_ttc": "16,50",
         "tva_pct": "10"},
    )  # fmt: skip
    assert created.status_code == 302
    with schema_context(tenant_a.schema_name):
        dish = Dish.objects.get(name="Poulet yassa")
        assert (dish.selling_price_ttc, dish.is_active) == (Decimal("16.50"), False)  # box left unticked
    assert created["Location"] == f"/plats/{dish.pk}"
    again = admin_browser.post("/plats/nouveau", {"nom": "Poulet yassa", "canal": "restaurant",
                                                   "prix_vente_ttc": "1", "tva_pct": "10"})  # fmt: skip
    assert again.status_code == 409
    assert "Un plat porte déjà ce nom." in text(again)
    listing = text(admin_browser.get("/plats", {"categorie": "Desserts"}))
    assert "Tarte tatin" in listing
    assert "Poulet yassa" not in listing
    assert "Tarte tatin" not in text(admin_browser.get("/plats", {"actif": "oui"}))


def _dish_and_products(tenant: Tenant) -> tuple[int, int, int]:
    with schema_context(tenant.schema_name):
        dish = DishFactory.create(name="Mafé", selling_price_ttc=Decimal("15.40"))
        beef = ProductFactory.create(designation="BOEUF PALERON", avg_unit_price=Decimal("12.400"))
        peanut = ProductFactory.create(designation="PATE ARACHIDE", avg_unit_price=Decimal("6.100"))
        return dish.pk, beef.pk, peanut.pk


def _recipe_post(client: Client, dish_id: int, lines: list[tuple[int, str, str]], **extra: Any) -> Any:
    data: dict[str, Any] = {
        "produit": [str(p) for p, _, _ in lines],
        "quantite": [q for _, q, _ in lines],
        "rendement": [r for _, _, r in lines],
    }
    headers = extra.pop("headers", {})
    return client.post(f"/plats/{dish_id}/recette", {**data, **extra}, **headers)


def test_the_recipe_editor_without_script_costs_the_dish_as_the_api(
    admin_browser: Client, tenant_a: Tenant
) -> None:
    dish_id, beef, peanut = _dish_and_products(tenant_a)
    searched = text(admin_browser.get(f"/plats/{dish_id}", {"q": "PALERON"}))
    assert f'data-result="{beef}"' in searched
    assert f'data-result="{peanut}"' not in searched
    added = _recipe_post(admin_browser, dish_id, [], ajouter=str(beef), **{"nouveau-quantite": "0,18",
                         "nouveau-rendement": "90"})  # fmt: skip
    assert added.status_code == 302, text(added)
    added = _recipe_post(admin_browser, dish_id, [(beef, "0,18", "90")], ajouter=str(peanut),
                         **{"nouveau-quantite": "0,05", "nouveau-rendement": "100"})  # fmt: skip
    assert added.status_code == 302, text(added)
    recipe = _api(tenant_a).get(f"/api/v1/plats/{dish_id}/ingredients").json()
    # 0.18 kg at 90 % takes 0.2 kg of beef (2.48 €) + 0.05 kg of paste (0.305 €); HT 15.40 / 1.1 = 14.00.
    assert Decimal(recipe["cout_matiere"]) == Decimal("2.785")
    page = text(admin_browser.get(f"/plats/{dish_id}"))
    assert f'data-figure="cout_matiere">{money_fr(Decimal(recipe["cout_matiere"]))}<' in page
    assert f'data-figure="food_cost_pct">{percent_fr(Decimal(recipe["food_cost_pct"]))}<' in page
    assert f'data-figure="marge_brute">{money_fr(Decimal(recipe["marge_brute"]))}<' in page
    removed = _recipe_post(admin_browser, dish_id, [(beef, "0,2", "100"), (peanut, "0,05", "100")],
                           retirer=str(peanut))  # fmt: skip
    assert removed.status_code == 302
    with schema_context(tenant_a.schema_name):
        assert list(RecipeLine.objects.filter(dish_id=dish_id).values_list("product_id", "quantity")) == [
            (beef, Decimal("0.2000"))
        ]


def test_a_bad_line_is_a_french_message_and_the_recipe_stays_as_it_was(
    admin_browser: Client, tenant_a: Tenant
) -> None:
    dish_id, beef, peanut = _dish_and_products(tenant_a)
    with schema_context(tenant_a.schema_name):
        RecipeLineFactory.create(dish_id=dish_id, product_id=beef, quantity=Decimal("0.2"))
    bad = _recipe_post(admin_browser, dish_id, [(beef, "0,3", "100"), (peanut, "beaucoup", "100")])
    assert bad.status_code == 400
    assert "Ligne 2 : quantité" in text(bad)
    twice = _recipe_post(admin_browser, dish_id, [(beef, "0,3", "100")], ajouter=str(beef),
                         **{"nouveau-quantite": "1", "nouveau-rendement": "100"})  # fmt: skip
    assert twice.status_code == 400
    assert "déjà dans la recette" in text(twice)
    gone = _recipe_post(admin_browser, dish_id, [(beef, "0,3", "100"), (999_999, "1", "100")])
    assert "Ligne 2 : ce produit n'existe pas" in text(gone)
    with schema_context(tenant_a.schema_name):
        assert list(RecipeLine.objects.filter(dish_id=dish_id).values_list("quantity", flat=True)) == [
            Decimal("0.2000")
        ]


def test_with_htmx_the_recipe_block_alone_is_swapped(admin_browser: Client, tenant_a: Tenant) -> None:
    dish_id, beef, _ = _dish_and_products(tenant_a)
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "recette"}
    response = _recipe_post(admin_browser, dish_id, [], ajouter=str(beef), headers=headers,
                            **{"nouveau-quantite": "0,5", "nouveau-rendement": "100"})  # fmt: skip
    assert response.status_code == 200
    assert text(response).startswith('<div id="recette"')
    assert f'data-figure="cout_matiere">{money_fr(Decimal("6.20"))}<' in text(response)


def test_editing_a_dish_changes_its_fields_or_says_why_not(admin_browser: Client, tenant_a: Tenant) -> None:
    dish_id, _, _ = _dish_and_products(tenant_a)
    fields = {"nom": "Mafé boeuf", "categorie": "Plats", "canal": "emporter", "prix_vente_ttc": "16,00"}
    assert admin_browser.post(f"/plats/{dish_id}/modifier", {**fields, "tva_pct": "5,5"}).status_code == 302
    with schema_context(tenant_a.schema_name):
        dish = Dish.objects.get(pk=dish_id)
        assert (dish.name, dish.channel, dish.vat_rate, dish.is_active) == (
            "Mafé boeuf", "emporter", Decimal("5.50"), False,
        )  # fmt: skip
    refused = admin_browser.post(f"/plats/{dish_id}/modifier", {**fields, "tva_pct": "120"})
    assert refused.status_code == 400
    assert "inférieure ou égale à 99" in text(refused)


def test_a_read_only_member_sees_the_recipe_without_its_editor(tenant_a: Tenant) -> None:
    dish_id, beef, _ = _dish_and_products(tenant_a)
    with schema_context(tenant_a.schema_name):
        RecipeLineFactory.create(dish_id=dish_id, product_id=beef)
    client = browser()
    assert sign_in(client, member_with_role(tenant_a, "read-only").user.email).status_code == 302
    page = text(client.get(f"/plats/{dish_id}"))
    assert "BOEUF PALERON" in page
    assert 'action="/plats/' not in page
    assert 'name="retirer"' not in page


def test_price_alerts_show_the_dishes_reached_and_are_marked_seen(
    admin_browser: Client, tenant_a: Tenant
) -> None:
    dish_id, beef, _ = _dish_and_products(tenant_a)
    with schema_context(tenant_a.schema_name):
        RecipeLineFactory.create(dish_id=dish_id, product_id=beef, quantity=Decimal("0.5"))
        first = PriceAlertFactory.create(
            product_id=beef, old_price=Decimal("12.000"), new_price=Decimal("14.000"), document_number="F-77"
        )
        PriceAlertFactory.create()
    api = _api(tenant_a).get("/api/v1/catalog/price-alerts").json()
    [impact] = next(alert for alert in api if alert["id"] == first.pk)["plats"]
    page = text(admin_browser.get("/alertes-prix"))
    assert "F-77" in page
    assert "Mafé" in page
    for field in ("ancien_cout_matiere", "nouveau_cout_matiere"):
        assert money_fr(Decimal(impact[field])) in page
    for field in ("ancien_food_cost_pct", "nouveau_food_cost_pct"):
        assert percent_fr(Decimal(impact[field])) in page
    assert admin_browser.post(f"/alertes-prix/{first.pk}/vu").status_code == 302
    with schema_context(tenant_a.schema_name):
        assert PriceAlert.objects.get(pk=first.pk).seen
    assert admin_browser.post("/alertes-prix/tout-vu").status_code == 302
    with schema_context(tenant_a.schema_name):
        assert not PriceAlert.objects.filter(seen=False).exists()


def test_the_sales_pages_have_no_inline_style_and_only_nonced_scripts(
    admin_browser: Client, tenant_a: Tenant
) -> None:
    dish_id, beef, _ = _dish_and_products(tenant_a)
    with schema_context(tenant_a.schema_name):
        RecipeLineFactory.create(dish_id=dish_id, product_id=beef)
        PriceAlertFactory.create(product_id=beef)
    for path in ("/ventes", "/ventes/import", "/plats", f"/plats/{dish_id}?q=ARACHIDE", "/alertes-prix"):
        response = admin_browser.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert nonce
        assert " style=" not in html, path
        assert "<style" not in html, path
        for attrs in re.findall(r"<script([^>]*)>", html):
            if 'type="application/json"' not in attrs:
                assert f'nonce="{nonce.group(1)}"' in attrs, (path, attrs)
