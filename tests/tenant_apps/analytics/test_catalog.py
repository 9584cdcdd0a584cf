"""/catalog/products, /catalog/products/{produit_sk} (GET, PATCH) and /catalog/families."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client
from django.utils import timezone

from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Category, Product
from tenant_apps.stock.models import Site, StockMovement
from tenant_apps.stock.selectors import stock_by_product
from tests.factories.metro import in_schema

BASE = "/api/v1/catalog"
LIST_FIELDS = {"produit_sk", "produit_id", "nom", "categorie_id", "categorie_nom", "famille", "prix_achat"}
LIST_FIELDS |= {"prix_vente", "marge_pct", "stock_actuel", "seuil_alerte", "est_rupture", "jours_stock"}


def test_the_list_pages_the_products_with_their_stock_summed_over_the_sites(
    member_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    body = member_api_a.get(BASE + "/products", {"per_page": 200}).json()
    with in_schema(tenant_a):
        stock = stock_by_product()
        assert body["total"] == Product.objects.count() == 340
    assert (body["pages"], len(body["items"])) == (2, 200)
    assert set(body["items"][0]) == LIST_FIELDS
    for item in body["items"]:
        assert Decimal(item["stock_actuel"]) == stock.get(item["produit_sk"], (Decimal(0), 0))[0]
        assert item["est_rupture"] == (Decimal(item["stock_actuel"]) <= 0)


def test_a_site_filter_gives_that_sites_stock_only(
    member_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    with in_schema(tenant_a):
        site = Site.objects.order_by("id").first()
        assert site is not None
        stock = stock_by_product(site_id=site.pk)
    body = member_api_a.get(BASE + "/products", {"per_page": 200, "site": site.pk}).json()
    for item in body["items"]:
        assert Decimal(item["stock_actuel"]) == stock.get(item["produit_sk"], (Decimal(0), 0))[0]


def test_setting_a_selling_price_gives_the_margin_and_the_filters_follow(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    with in_schema(tenant_a):
        product = Product.objects.filter(avg_unit_price__gt=0).order_by("id").first()
        category = Category.objects.order_by("id").first()
    assert product is not None
    assert category is not None
    price = (product.avg_unit_price * 2).quantize(Decimal("0.001"))
    body = {"prix_vente": str(price), "seuil_alerte": "1000", "categorie_id": category.pk}
    response = manager_api_a.patch(f"{BASE}/products/{product.pk}", body, content_type="application/json")
    assert response.status_code == 200, response.content
    detail = response.json()
    assert Decimal(detail["marge_pct"]) == Decimal("50.0")
    assert Decimal(detail["marge_unitaire"]) == price - product.avg_unit_price
    assert (detail["categorie_id"], detail["famille"]) == (category.pk, category.family)
    high = manager_api_a.get(BASE + "/products", {"marge_filter": "high"}).json()
    medium = manager_api_a.get(BASE + "/products", {"marge_filter": "medium"}).json()
    assert [i["produit_sk"] for i in high["items"]] == [product.pk]  # 50 % > 40 %
    assert [i["produit_sk"] for i in medium["items"]] == []
    low = manager_api_a.get(BASE + "/products", {"stock_status": "low"}).json()
    assert product.pk in [i["produit_sk"] for i in low["items"]]


def test_the_detail_has_recent_movements_sales_and_the_contracts_extra_fields(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    with in_schema(tenant_a):
        movement = StockMovement.objects.order_by("id").first()
    assert movement is not None
    today = timezone.localdate().isoformat()
    sale = {"site": movement.site_id, "date": today, "produit_sk": movement.product_id}
    sale |= {"type_mouvement": "SORTIE", "motif": "vente", "quantite": "1"}
    assert (
        manager_api_a.post("/api/v1/stock/mouvements", sale, content_type="application/json").status_code
        == 201
    )
    detail = manager_api_a.get(f"{BASE}/products/{movement.product_id}").json()
    assert Decimal(detail["ventes_30j"]) == 1
    assert detail["mouvements_recents"][0]["type_mouvement"] == "SORTIE"
    assert Decimal(detail["conso_moy_30j"]) > 0
    assert {"sous_famille", "tva_pct", "stock_valeur", "est_surstock", "trend_stock_pct"} <= set(detail)
    assert manager_api_a.get(f"{BASE}/products/999999").status_code == 404


def test_families_are_the_distinct_families_of_the_products(
    member_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    body = member_api_a.get(BASE + "/families").json()
    with in_schema(tenant_a):
        expected = set(Product.objects.exclude(family_name="").values_list("family_name", flat=True))
    assert body == sorted(expected)
    assert body
