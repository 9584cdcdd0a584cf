"""The dashboard's restaurant part: the contract dashboard's figures as of a chosen day (the same as
GET /api/v1/analytics/dashboard?date=), sales per day as a chart, and the price alerts not yet seen."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import PriceAlert, Product
from tenant_apps.web.formatting import money_fr
from tests.factories.accounts import bearer, login
from tests.factories.metro import import_samples

from .conftest import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tenant_a: Tenant) -> None:
    import_samples(tenant_a, "135_11_200921", "135_11_247666")


def _api_dashboard(member: Membership, day: str) -> dict[str, object]:
    api = Client(HTTP_HOST="alpha.testserver")
    response = api.get(f"/api/v1/analytics/dashboard?date={day}", **bearer(login(api, member.user.email)))
    return dict(response.json())


@pytest.mark.parametrize("day", [date.today().isoformat(), "2000-01-01"])  # noqa: DTZ011
def test_the_figures_as_of_a_day_are_the_apis(
    member_browser: Client, member_a: Membership, imported: None, day: str
) -> None:
    figures = _api_dashboard(member_a, day)
    page = text(member_browser.get(f"/?date={day}"))
    for name in ("valeur_stock_total", "ca_30j", "marge_brute_30j"):
        assert f'data-figure="{name}">{money_fr(Decimal(str(figures[name])))}<' in page, name
    assert re.search(rf'data-figure="nb_produits_rupture"><a [^>]+>{figures["nb_produits_rupture"]}<', page)


def test_the_stock_value_follows_the_as_of_day(member_browser: Client, imported: None) -> None:
    before = text(member_browser.get("/?date=2000-01-01"))
    assert f'data-figure="valeur_stock_total">{money_fr(Decimal(0))}<' in before
    now = text(member_browser.get("/"))
    assert f'data-figure="valeur_stock_total">{money_fr(Decimal(0))}<' not in now


def test_sales_per_day_are_a_chart_of_thirty_days(member_browser: Client, imported: None) -> None:
    page = text(member_browser.get("/?date=2026-03-31"))
    block = re.search(r'<script id="chart-sales" type="application/json">(.*?)</script>', page, re.S)
    assert block
    chart = json.loads(block.group(1))
    assert len(chart["labels"]) == 30
    assert chart["labels"][-1] == "31/03"


def test_unseen_price_alerts_are_listed_with_a_link_to_all(member_browser: Client, imported: None) -> None:
    product = Product.objects.order_by("id").first()
    assert product is not None
    common = {"product": product, "source": "metro", "document_number": "X", "date": date(2026, 1, 5)}
    PriceAlert.objects.create(**common, document_id=1, old_price=1, new_price=2, change_pct=100)
    PriceAlert.objects.create(**common, document_id=2, old_price=2, new_price=3, change_pct=50, seen=True)
    page = text(member_browser.get("/"))
    assert "Alertes de prix non vues (1)" in page
    assert "+100,0 %" in page
    assert "+50,0 %" not in page
    assert 'href="/alertes-prix"' in page
