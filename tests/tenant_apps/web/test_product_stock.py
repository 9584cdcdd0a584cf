"""/produits/<id>: the stock per site, and the selling price and alert threshold set as the API's PATCH
sets them, with the margin that follows."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tenant_apps.analytics.selectors import catalog_product
from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import StockLevel
from tenant_apps.web.formatting import money_fr, number_fr, percent_fr
from tests.factories.metro import import_samples

from .conftest import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def level(tenant_a: Tenant) -> StockLevel:
    import_samples(tenant_a, "135_11_200921", "135_11_247666")
    found = (
        StockLevel.objects.filter(quantity__gt=0).select_related("product", "site").order_by("-value").first()
    )
    assert found is not None
    return found


def test_the_product_page_shows_its_stock_at_each_site(admin_browser: Client, level: StockLevel) -> None:
    page = text(admin_browser.get(f"/produits/{level.product_id}"))
    assert f'data-site="{level.site_id}"' in page
    assert level.site.name in page
    assert number_fr(level.quantity, 3) in page
    assert money_fr(level.value) in page


def test_setting_the_selling_price_and_threshold_moves_the_margin(
    admin_browser: Client, level: StockLevel
) -> None:
    response = admin_browser.post(
        f"/produits/{level.product_id}/reglages", {"prix_vente": "99,90", "seuil_alerte": "3"}
    )
    assert response.status_code == 302
    product = Product.objects.get(pk=level.product_id)
    assert (product.selling_price, product.alert_threshold) == (Decimal("99.9"), Decimal(3))
    detail = catalog_product(product_id=product.pk)
    assert detail is not None
    page = text(admin_browser.get(response["Location"]))
    assert f'data-figure="marge">{percent_fr(detail.margin_pct)}<' in page
    assert f'data-figure="prix_vente">{money_fr(Decimal("99.9"))}<' in page


def test_a_negative_price_is_refused_in_french_and_nothing_changes(
    admin_browser: Client, level: StockLevel
) -> None:
    response = admin_browser.post(
        f"/produits/{level.product_id}/reglages", {"prix_vente": "-1", "seuil_alerte": ""}
    )
    assert "Rien n'a été modifié." in text(admin_browser.get(response["Location"]))
    assert Product.objects.get(pk=level.product_id).selling_price is None
