"""/analytics: the taxonomy, stock value per day and category, movements, top products, classification."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from shared_apps.tenants.models import Tenant
from tenant_apps.analytics import reports
from tenant_apps.catalog.models import Product
from tenant_apps.metro.models import DocType, Invoice
from tenant_apps.stock.models import StockDay, StockMovement
from tests.factories.metro import in_schema

BASE = "/api/v1/analytics"


def test_the_taxonomy_has_91_codes_in_14_families(member_api_a: Client) -> None:
    body = member_api_a.get(f"{BASE}/categories").json()
    assert len(body) == 91
    assert len({c["famille"] for c in body}) == 14
    assert {"categorie_id", "code", "nom", "tva_defaut", "est_ingredient_resto"} <= set(body[0])
    ingredients = member_api_a.get(f"{BASE}/categories", {"ingredients_only": "true"}).json()
    assert 0 < len(ingredients) < 91
    assert all(c["est_ingredient_resto"] for c in ingredients)
    drinks = member_api_a.get(f"{BASE}/categories", {"famille": "Boissons"}).json()
    assert {c["famille"] for c in drinks} == {"Boissons"}


def test_the_stock_value_on_the_last_day_is_what_was_paid(
    member_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    with in_schema(tenant_a):
        printed = Invoice.objects.filter(doc_type__in=(DocType.INVOICE, DocType.CREDIT_NOTE)).aggregate(
            t=Sum("total_net")
        )["t"]
        last = StockDay.objects.order_by("-date").values_list("date", flat=True).first()
    assert last is not None
    start = last.replace(day=1)  # earlier positions are carried into the period
    rows = member_api_a.get(
        f"{BASE}/stock/valorisation", {"date_debut": start.isoformat(), "date_fin": last.isoformat()}
    ).json()
    final = [row for row in rows if row["date"] == max(r["date"] for r in rows)]
    assert sum(Decimal(row["valeur_totale"]) for row in final) == printed
    bad = member_api_a.get(
        f"{BASE}/stock/valorisation", {"date_debut": "2025-02-01", "date_fin": "2025-01-01"}
    )
    assert bad.status_code == 400


def test_movements_are_listed_newest_first_and_filtered_by_kind(
    member_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    body = member_api_a.get(f"{BASE}/stock/mouvements", {"limit": 1000}).json()
    with in_schema(tenant_a):
        assert len(body) == StockMovement.objects.count()
    dates = [row["date"] for row in body]
    assert dates == sorted(dates, reverse=True)
    assert member_api_a.get(f"{BASE}/stock/mouvements", {"type_mouvement": "SORTIE"}).json() == []


def test_top_products_are_the_ones_sold_most(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    with in_schema(tenant_a):
        movement = StockMovement.objects.filter(quantity__gte=3).order_by("id").first()
    assert movement is not None
    today = timezone.localdate().isoformat()
    sale = {"site": movement.site_id, "date": today, "produit_sk": movement.product_id}
    sale |= {"type_mouvement": "SORTIE", "motif": "vente", "quantite": "2"}
    assert (
        manager_api_a.post("/api/v1/stock/mouvements", sale, content_type="application/json").status_code
        == 201
    )
    [top] = manager_api_a.get(f"{BASE}/produits/top").json()
    assert Decimal(top["volume_vendu"]) == 2
    assert top["ca_total"] is None  # no selling price set yet


def test_classification_by_the_seed_rules_reports_its_rate(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    body = manager_api_a.post(f"{BASE}/classify-products").json()
    with in_schema(tenant_a):
        assert body["total"] == Product.objects.count() == 340
    assert body["classified"] + body["unclassified"] == body["total"]
    assert Decimal(str(body["classification_rate"])) >= 80
    assert sum(body["categories"].values()) == body["classified"]
    preview = manager_api_a.get(f"{BASE}/classify-products/preview", {"limit": 2}).json()
    assert preview["total_products"] == 340
    assert all(len(products) <= 2 for products in preview["preview"].values())
    assert "ALC_SPIRIT" in preview["preview"]


def test_top_products_stay_exact_when_back_dated_movements_revalue_the_days_after_them(
    manager_api_a: Client, tenant_a: Tenant, all_imported: Any
) -> None:
    with in_schema(tenant_a):
        movement = StockMovement.objects.filter(quantity__gte=5).order_by("id").first()
    assert movement is not None
    today = timezone.localdate()
    base = {"site": movement.site_id, "produit_sk": movement.product_id, "type_mouvement": "SORTIE"}
    # Today's sale, then a sale and a loss dated before it: each one rewrites the days after its date.
    for days_ago, reason, quantity in ((0, "vente", "2"), (10, "vente", "1"), (5, "perte", "1")):
        day = (today - timedelta(days=days_ago)).isoformat()
        body = base | {"date": day, "motif": reason, "quantite": quantity}
        assert (
            manager_api_a.post("/api/v1/stock/mouvements", body, content_type="application/json").status_code
            == 201
        )
    price = {"prix_vente": "100"}
    manager_api_a.patch(
        f"/api/v1/catalog/products/{movement.product_id}", price, content_type="application/json"
    )
    [top] = manager_api_a.get(f"{BASE}/produits/top").json()
    with in_schema(tenant_a):
        cost = -StockMovement.objects.filter(kind="SORTIE", reason="sale").aggregate(v=Sum("value"))["v"]
    assert Decimal(top["volume_vendu"]) == 3
    assert Decimal(top["ca_total"]) == 300
    assert Decimal(top["marge_totale"]) == 300 - cost


def _positions_carried(start: date, end: date) -> dict[str, tuple[Decimal, Decimal, int]]:
    """Per day with stored days in [start, end]: every pair's last position up to it, summed (quantity,
    value, pairs at or under zero): the report's definition, computed the plain way."""
    days = StockDay.objects.order_by("date")
    rows = list(days.values_list("product_id", "site_id", "date", "quantity", "value"))
    positions: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
    totals: dict[str, tuple[Decimal, Decimal, int]] = {}
    for index, (product, site, day, quantity, value) in enumerate(rows):
        positions[product, site] = (quantity, value)
        last_of_day = index + 1 == len(rows) or rows[index + 1][2] != day
        if last_of_day and start <= day <= end:
            held = positions.values()
            totals[day.isoformat()] = (
                sum((q for q, _ in held), Decimal(0)),
                sum((v for _, v in held), Decimal(0)),
                sum(1 for q, _ in held if q <= 0),
            )
    return totals


@pytest.mark.parametrize("recent_days", [0, 100_000], ids=["probed", "from-the-levels"])
def test_the_stock_per_day_is_every_pairs_last_position_carried_forward(
    manager_api_a: Client,
    member_api_a: Client,
    tenant_a: Tenant,
    all_imported: Any,
    monkeypatch: pytest.MonkeyPatch,
    recent_days: int,
) -> None:
    # Both ways of finding the positions before the period (by probes, or the levels less what changed).
    monkeypatch.setattr(reports, "RECENT_DAYS", recent_days)
    with in_schema(tenant_a):
        days = sorted(set(StockDay.objects.values_list("date", flat=True)))
        middle = days[len(days) // 2]
        movement = StockMovement.objects.filter(quantity__gte=2, date__lte=middle).order_by("-date").first()
    assert movement is not None
    base = {"site": movement.site_id, "produit_sk": movement.product_id, "type_mouvement": "SORTIE"}
    # Below zero in the middle of the history, then a loss dated before it, which rewrites the days after.
    for day, quantity in ((middle, str(movement.quantity + 3)), (days[len(days) // 3], "1")):
        body = base | {"date": day.isoformat(), "motif": "perte", "quantite": quantity}
        response = manager_api_a.post("/api/v1/stock/mouvements", body, content_type="application/json")
        assert response.status_code == 201, response.content
    end = min(middle + timedelta(days=60), days[-1])
    start = max(end - timedelta(days=365), days[0] + timedelta(days=1))
    period = {"date_debut": start.isoformat(), "date_fin": end.isoformat()}
    rows = member_api_a.get(f"{BASE}/stock/valorisation", period).json()
    reported: dict[str, tuple[Decimal, Decimal, int]] = {}
    for row in rows:
        q, v, n = reported.get(row["date"], (Decimal(0), Decimal(0), 0))
        reported[row["date"]] = (
            q + Decimal(row["quantite_totale"]),
            v + Decimal(row["valeur_totale"]),
            n + row["nb_ruptures"],
        )
    with in_schema(tenant_a):
        expected = _positions_carried(start, end)
    assert reported == expected
    assert expected[middle.isoformat()][2] >= 1  # the pair below zero counts as a rupture
