"""Sales move stock through recipes, in the order's transaction; the unlinked-revenue gauge."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.sales.models import Dish, Order
from tenant_apps.sales.services.dishes import Ingredient, recipe_set
from tenant_apps.stock.models import ExitReason, MovementKind, MovementSource, Site, StockLevel, StockMovement
from tests.factories.metro import _parse_once_per_session, import_samples  # noqa: F401
from tests.factories.sumup import SumupExportBuilder

from .conftest import Importer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]


def _stocked_product(tenant: Tenant) -> tuple[int, int]:
    import_samples(tenant, "135_13_81001")
    with schema_context(tenant.schema_name):
        level = StockLevel.objects.filter(quantity__gt=0).order_by("product_id").first()
        assert level is not None
        return level.product_id, level.site_id


def test_a_sold_dish_with_a_recipe_takes_its_ingredients_out_of_stock_on_its_day(
    tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path
) -> None:
    product_id, site_id = _stocked_product(tenant_a)
    import_at(tenant_a, paths=builder.write(tmp_path))  # creates the dishes; no recipe yet: no exit
    with schema_context(tenant_a.schema_name):
        assert not StockMovement.objects.filter(kind=MovementKind.EXIT).exists()
        mafe = Dish.objects.get(till_name="MAFE POISSON FUME")
        recipe_set(dish=mafe, ingredients=[Ingredient(product_id, Decimal("0.25"), Decimal("0.5"))])
        before = StockLevel.objects.get(product_id=product_id, site_id=site_id).quantity
    # Closed at 00:30 local on the 6th: the exit is dated on the 6th.
    builder.add_order("ORDER-2", opened="2024-01-05 23:00:00", closed="2024-01-06 00:30:00",
                      lines=(("MAFE POISSON FUME", 3, "15,00", "40,91", "4,09"),))  # fmt: skip
    result = import_at(tenant_a, paths=builder.write(tmp_path))
    assert result.exits == 1
    with schema_context(tenant_a.schema_name):
        # ORDER-1's exit was written when the recipe was set (services.recost); this is ORDER-2's.
        exit_ = StockMovement.objects.get(source=MovementSource.SALE, source_ref="ORDER-2:1")
        order = Order.objects.get(till_id="ORDER-2")
        assert (exit_.kind, exit_.reason, exit_.site_id) == (MovementKind.EXIT, ExitReason.SALE, site_id)
        assert exit_.date == date(2024, 1, 6)
        assert exit_.quantity == Decimal("-1.500")  # 3 sold x 0.25 / 0.5 usable
        assert exit_.source_ref == f"{order.till_id}:1"
        assert exit_.valued
        assert exit_.value < 0
        after = StockLevel.objects.get(product_id=product_id, site_id=site_id).quantity
        assert after == before - Decimal("1.5")
    again = import_at(tenant_a, paths=builder.write(tmp_path))
    assert again.exits == 0
    with schema_context(tenant_a.schema_name):
        assert StockMovement.objects.filter(source=MovementSource.SALE).count() == 2


def test_an_order_and_its_exits_commit_together(
    tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import tenant_apps.sales.services.imports as imports

    product_id, _ = _stocked_product(tenant_a)
    import_at(tenant_a, paths=builder.write(tmp_path))
    with schema_context(tenant_a.schema_name):
        recipe_set(
            dish=Dish.objects.get(till_name="GUINESS"), ingredients=[Ingredient(product_id, Decimal(1))]
        )
    builder.add_order("ORDER-2")

    def exits_fail(**kwargs: object) -> int:
        raise RuntimeError("stock write failed")

    monkeypatch.setattr(imports, "sale_exits_write", exits_fail)
    with pytest.raises(RuntimeError):
        import_at(tenant_a, paths=builder.write(tmp_path))
    with schema_context(tenant_a.schema_name):
        assert not Order.objects.filter(till_id="ORDER-2").exists()


def test_a_first_import_without_a_site_creates_one_named_after_the_establishment(
    tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path
) -> None:
    import_at(tenant_a, paths=builder.write(tmp_path))
    with schema_context(tenant_a.schema_name):
        assert list(Site.objects.values_list("name", flat=True)) == ["SARL Test"]


def test_the_gauge_gives_the_share_of_revenue_without_a_recipe(
    tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path, reader_a: Client
) -> None:
    product_id, _ = _stocked_product(tenant_a)
    import_at(tenant_a, paths=builder.write(tmp_path))  # MAFE 15.00 + GUINESS 12.00
    url, period = "/api/v1/ventes/couverture", {"date_debut": "2024-01-01", "date_fin": "2024-01-31"}
    body = reader_a.get(url, period).json()
    assert (body["ca_ttc"], body["ca_ttc_sans_recette"], body["part_sans_recette_pct"]) == (
        "27.00",
        "27.00",
        "100.0",
    )
    with schema_context(tenant_a.schema_name):
        recipe_set(
            dish=Dish.objects.get(till_name="MAFE POISSON FUME"),
            ingredients=[Ingredient(product_id, Decimal(1))],
        )
    body = reader_a.get(url, period).json()
    assert (body["ca_ttc_avec_recette"], body["ca_ttc_sans_recette"], body["part_sans_recette_pct"]) == (
        "15.00",
        "12.00",
        "44.4",
    )
    assert [p["plat"] for p in body["plats_sans_recette"]] == ["GUINESS"]
