"""The stock steps of the owner's journey: a count on a phone, through the count screen, moves the stock (the
API then shows the counted quantity and a signed INVENTAIRE movement); screenshots of the stock pages."""

from __future__ import annotations

import json
import urllib.request
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import Page, expect

from tenant_apps.stock.models import StockLevel
from tenant_apps.stock.services import CountLine, stock_count_record
from tenant_apps.web.formatting import number_fr

from .conftest import LiveSite

COUNTED = Decimal("2.5")


def _api(site: LiveSite, path: str, key: str) -> Any:
    request = urllib.request.Request(
        f"http://127.0.0.1:{site.port}{path}",
        headers={"Host": f"{site.tenants['a'].slug}.localhost:{site.port}", "X-API-Key": key},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def stock_pages_on_desktop(page: Page, site: LiveSite, artefacts: Path) -> None:
    for path, name in (
        ("/stock", "15-stock"),
        ("/stock/inventaire", "16-inventaire"),
        ("/stock/ecarts", "17-ecarts"),
    ):
        page.goto(site.url("a", path))
        page.screenshot(path=str(artefacts / f"{name}.png"), full_page=True)


def count_on_a_phone(phone: Page, site: LiveSite, key: str, artefacts: Path) -> None:
    """Scan an EAN (typed + Enter, as a scanner does), enter the count, review the variance, confirm."""
    with schema_context(site.tenants["a"].schema_name):
        level = (
            StockLevel.objects.filter(quantity__gt=0)
            .exclude(product__ean="")
            .select_related("product", "site")
            .order_by("-value")
            .first()
        )
    assert level is not None
    with schema_context(site.tenants["a"].schema_name):
        # An earlier count (as found) opens the period that the variance page reports on.
        yesterday = timezone.localdate() - timedelta(days=1)
        stock_count_record(
            site=level.site, day=yesterday, lines=[CountLine(level.product_id, level.quantity)], user_id=None
        )
    phone.goto(site.url("a", "/stock"))
    phone.screenshot(path=str(artefacts / "18-stock-mobile.png"), full_page=True)
    phone.goto(site.url("a", "/stock/inventaire"))
    phone.evaluate("window.sameDocument = true")
    phone.fill("input[name=q]", level.product.ean)
    phone.press("input[name=q]", "Enter")
    line = phone.locator("tr[data-line='1']")
    expect(line).to_contain_text(level.product.designation)
    assert phone.evaluate("window.sameDocument") is True  # htmx swapped the editor, no reload
    expect(line.locator("input[name=quantite]")).to_be_focused()
    line.locator("input[name=quantite]").fill(str(COUNTED).replace(".", ","))
    phone.screenshot(path=str(artefacts / "19-inventaire-mobile.png"), full_page=True)
    phone.click("text=Vérifier les écarts")
    variance = COUNTED - level.quantity
    expect(phone.locator("tr[data-line='1'] [data-variance]")).to_have_text(number_fr(variance, 3))
    phone.screenshot(path=str(artefacts / "19b-inventaire-verification-mobile.png"), full_page=True)
    phone.click("text=Confirmer l'inventaire")
    expect(phone.locator(".flash")).to_contain_text("Inventaire du")
    product = _api(site, f"/api/v1/catalog/products/{level.product_id}?site={level.site_id}", key)
    assert Decimal(product["stock_actuel"]) == COUNTED
    movements = _api(site, "/api/v1/analytics/stock/mouvements?type_mouvement=INVENTAIRE", key)
    assert [Decimal(m["quantite"]) for m in movements] == [variance, Decimal(0)]
    phone.goto(site.url("a", "/stock/ecarts"))
    expect(phone.locator("[data-figure=total_ecart]")).to_be_visible()
    phone.screenshot(path=str(artefacts / "19c-ecarts-mobile.png"), full_page=True)
