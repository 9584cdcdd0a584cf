"""The stock pages: the position per site with its totals, the count screen (with and without htmx), its
refusals, a loss recorded from /stock, and the variance between two counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from shared_apps.tenants.models import Tenant
from tenant_apps.analytics.variance import stock_variance
from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import ExitReason, MovementKind, Site, StockCount, StockLevel, StockMovement
from tenant_apps.stock.selectors import position_on, stock_totals
from tenant_apps.stock.services import CountLine, stock_count_record
from tenant_apps.web.formatting import money_fr, number_fr
from tests.factories.metro import import_samples

from .conftest import text

pytestmark = pytest.mark.django_db

SAMPLES = ("135_11_200921", "135_11_247666")


@pytest.fixture
def stocked(tenant_a: Tenant) -> list[StockLevel]:
    """The two sample invoices imported: products in stock at the tenant's site(s), largest first."""
    import_samples(tenant_a, *SAMPLES)
    return list(StockLevel.objects.filter(quantity__gt=0).select_related("product").order_by("-value"))


def _count_form(level: StockLevel, counted: str, **extra: Any) -> dict[str, Any]:
    return {
        "site": level.site_id,
        "date": timezone.localdate().isoformat(),
        "produit": [level.product_id],
        "quantite": [counted],
        **extra,
    }


def test_the_position_shows_each_product_and_the_site_totals(
    admin_browser: Client, stocked: list[StockLevel]
) -> None:
    page = text(admin_browser.get("/stock"))
    assert money_fr(stock_totals()["value"]) in page
    top = stocked[0]
    assert top.product.designation in page
    assert number_fr(top.quantity, 3) in page
    at_site = text(admin_browser.get(f"/stock?site={top.site_id}&q={top.product.designation[:8]}"))
    assert top.product.designation in at_site


def test_the_position_highlights_ruptures_and_filters_them(
    admin_browser: Client, stocked: list[StockLevel]
) -> None:
    Product.objects.create(
        designation="PRODUIT SANS STOCK",
        normalised_designation="produit sans stock",
        natural_key="test:rupture",
    )
    ruptures = text(admin_browser.get("/stock?etat=rupture"))
    assert "PRODUIT SANS STOCK" in ruptures
    assert 'class="state-rupture"' in ruptures
    assert stocked[0].product.designation not in ruptures


def test_a_count_without_javascript_adds_by_ean_reviews_then_moves_the_stock(
    admin_browser: Client, stocked: list[StockLevel]
) -> None:
    level = next(level for level in stocked if level.product.ean)
    before = level.quantity
    added = text(
        admin_browser.post(
            "/stock/inventaire",
            {
                "site": level.site_id,
                "date": timezone.localdate().isoformat(),
                "q": level.product.ean,
                "action": "ajouter",
            },
        )
    )
    assert level.product.designation in added
    assert f'name="produit" value="{level.product_id}"' in added
    assert number_fr(before, 3) in added  # the theoretical quantity
    review = admin_browser.post("/stock/inventaire", _count_form(level, "1,5", action="verifier"))
    assert review.status_code == 200
    assert number_fr(Decimal("1.5") - before, 3) in text(review)
    assert not StockCount.objects.exists()  # reviewing writes nothing
    done = admin_browser.post("/stock/inventaire", _count_form(level, "1.500", action="confirmer"))
    assert done.status_code == 302
    assert done["Location"] == f"/stock?site={level.site_id}"
    day = timezone.localdate()
    assert position_on(product_id=level.product_id, site_id=level.site_id, day=day).quantity == Decimal("1.5")
    movement = StockMovement.objects.get(kind=MovementKind.COUNT)
    assert movement.quantity == Decimal("1.5") - before
    assert movement.value < 0
    assert "Inventaire du" in text(admin_browser.get(done["Location"]))


def test_htmx_adds_a_line_by_swapping_the_editor_alone(
    admin_browser: Client, stocked: list[StockLevel]
) -> None:
    level = stocked[0]
    response = admin_browser.post(
        "/stock/inventaire",
        {
            "site": level.site_id,
            "date": timezone.localdate().isoformat(),
            "q": level.product.designation,
            "action": "ajouter",
        },
        HTTP_HX_REQUEST="true",
    )
    body = text(response)
    assert body.startswith('<div id="count-editor">')
    assert "<html" not in body
    assert f'name="produit" value="{level.product_id}"' in body


def test_a_name_matching_several_products_lists_them_to_choose(
    admin_browser: Client, stocked: list[StockLevel]
) -> None:
    for name in ("CAROTTES VRAC", "CAROTTES RAPEES"):
        Product.objects.create(
            designation=name, normalised_designation=name.lower(), natural_key=f"test:{name}"
        )
    page = text(admin_browser.post("/stock/inventaire", {"q": "carottes", "action": "ajouter"}))
    assert "Plusieurs produits correspondent" in page
    assert 'name="choisir"' in page


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (
            {"produit": "999999", "quantite": "1"},
            "Ligne 2 (Produit n° 999999) : ce produit n'existe pas dans le catalogue.",
        ),
        ({"quantite": "-2"}, "Ligne 2 ({name}) : la quantité comptée ne peut pas être négative."),
        ({"quantite": "beaucoup"}, "Ligne 2 ({name}) : saisissez la quantité comptée"),
    ],
    ids=["unknown-product", "negative", "not-a-number"],
)
@pytest.mark.parametrize("action", ["verifier", "confirmer"])
def test_a_bad_line_is_a_french_error_naming_it_and_nothing_is_written(
    admin_browser: Client, stocked: list[StockLevel], second: dict[str, str], message: str, action: str
) -> None:
    first, other = stocked[0], stocked[1]
    form = _count_form(first, "2", action=action)
    form["produit"] = [first.product_id, second.get("produit", other.product_id)]
    form["quantite"] = ["2", second["quantite"]]
    response = admin_browser.post("/stock/inventaire", form)
    assert response.status_code == 400
    expected = message.format(name=other.product.designation)
    assert expected in text(response)
    assert not StockCount.objects.exists()
    assert not StockMovement.objects.exclude(kind=MovementKind.ENTRY).exists()


def test_a_count_dated_in_the_future_is_refused(admin_browser: Client, stocked: list[StockLevel]) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = admin_browser.post(
        "/stock/inventaire", _count_form(stocked[0], "1", action="confirmer", date=tomorrow)
    )
    assert response.status_code == 400
    assert "La date est dans le futur." in text(response)
    assert not StockCount.objects.exists()


def test_a_loss_recorded_from_the_stock_page_leaves_at_the_average_cost(
    admin_browser: Client, stocked: list[StockLevel]
) -> None:
    level = stocked[0]
    form = {"produit": level.product_id, "site": level.site_id, "date": timezone.localdate().isoformat()}
    response = admin_browser.post("/stock/pertes", {**form, "quantite": "1", "motif": "staff_meal"})
    assert response.status_code == 302
    exit_ = StockMovement.objects.get(kind=MovementKind.EXIT)
    assert (exit_.reason, exit_.quantity) == (ExitReason.STAFF_MEAL, Decimal(-1))
    assert "Repas du personnel enregistrée" in text(admin_browser.get(response["Location"]))
    refused = admin_browser.post("/stock/pertes", {**form, "quantite": "0", "motif": "loss"})
    assert "Sortie non enregistrée" in text(admin_browser.get(refused["Location"]))
    assert StockMovement.objects.filter(kind=MovementKind.EXIT).count() == 1


def test_the_variance_page_shows_the_report_between_two_counts(
    admin_browser: Client, stocked: list[StockLevel]
) -> None:
    level = stocked[0]
    site = Site.objects.get(pk=level.site_id)
    today = timezone.localdate()
    start = today - timedelta(days=1)
    stock_count_record(
        site=site, day=start, lines=[CountLine(level.product_id, level.quantity)], user_id=None
    )
    stock_count_record(site=site, day=today, lines=[CountLine(level.product_id, Decimal(1))], user_id=None)
    report = stock_variance(site=site, start=start, end=today)
    by_default = text(admin_browser.get("/stock/ecarts"))  # the site's last two counts
    assert f'data-figure="total_ecart">{money_fr(report["total_value"])}<' in by_default
    shown = admin_browser.get(
        f"/stock/ecarts?site={site.pk}&date_debut={start.isoformat()}&date_fin={today.isoformat()}"
    )
    assert shown.status_code == 200
    assert money_fr(report["total_value"]) in text(shown)
    assert level.product.designation in text(shown)
    missing = admin_browser.get(f"/stock/ecarts?site={site.pk}&date_debut=2020-01-01&date_fin=2020-02-01")
    assert missing.status_code == 400
    assert "Aucun inventaire n'a été enregistré sur ce site le 01/01/2020." in text(missing)
