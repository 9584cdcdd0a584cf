"""/analytics/ventes/restaurant over the real SumUp export: the whole range, datetime windows, isolation."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from sumup_etl import Export
from tests.factories.sales import Importer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/analytics/ventes/restaurant"


def _totals(rows: list[dict[str, Any]]) -> tuple[Decimal, Decimal]:
    return sum((Decimal(r["ca_ttc"]) for r in rows), Decimal(0)), sum(
        (Decimal(r["nb_plats"]) for r in rows), Decimal(0)
    )


def _expected(export: Export, start: datetime, end: datetime) -> tuple[Decimal, Decimal]:
    orders = export.closed_between(start, end)
    ttc = sum((o.total_ttc for o in orders), Decimal(0))
    return ttc, sum((line.quantity for o in orders for line in o.lines), Decimal(0))


def test_the_whole_range_sums_to_the_exports_revenue_and_windows_hold_exactly_their_orders(
    tenant_a: Tenant,
    real_export: Export,
    import_at: Importer,
    reader_a: Client,
    admin_b: Client,
) -> None:
    import_at(tenant_a, export=real_export)
    whole = reader_a.get(URL, {"date_debut": "2023-11-08", "date_fin": "2025-11-08"})
    assert whole.status_code == 200, whole.content
    rows = whole.json()
    assert _totals(rows)[0] == Decimal("339196.60")
    assert sum((Decimal(r["ca_ht"]) for r in rows), Decimal(0)) == Decimal("295923.06")
    assert len({r["date"] for r in rows}) == len(rows)  # one row per local day (one channel)
    moment = real_export.orders[4000].closed_at
    windows = [
        (moment.replace(hour=11, minute=30, second=0), moment.replace(hour=15, minute=0, second=0)),
        (moment - timedelta(hours=20), moment + timedelta(hours=20)),  # across midnights
        (moment, moment),  # one instant: the orders closed exactly then
        (moment + timedelta(seconds=1), moment + timedelta(days=3)),  # starts just after an order
    ]
    for start, end in windows:
        params = {"date_debut": start.isoformat(), "date_fin": end.isoformat()}
        assert _totals(reader_a.get(URL, params).json()) == _expected(real_export, start, end), params
    assert _expected(real_export, moment, moment)[0] > 0
    # An offset is honoured: 12:00 UTC is 13:00 or 14:00 in Paris.
    paris = datetime(2024, 6, 15, 14, 0)  # noqa: DTZ001 (the export's naive local time)
    utc = {"date_debut": "2024-06-15T12:00:00+00:00", "date_fin": "2024-06-15T23:00:00+00:00"}
    assert _totals(reader_a.get(URL, utc).json()) == _expected(
        real_export, paris, paris + timedelta(hours=11)
    )
    assert admin_b.get(URL, {"date_debut": "2023-11-08", "date_fin": "2025-11-08"}).json() == []


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"date_debut": "14/03/2024"}, "invalid_date"),
        ({"date_debut": "2025-01-02", "date_fin": "2025-01-01"}, "invalid_date_range"),
        ({"date_debut": "2015-01-01", "date_fin": "2025-01-01"}, "invalid_date_range"),
    ],
)
def test_a_bad_period_is_a_clear_error(reader_a: Client, params: dict[str, str], code: str) -> None:
    response = reader_a.get(URL, params)
    assert response.status_code == 400
    assert response.json()["error"] == code.upper()


def test_a_day_of_a_small_export_groups_on_the_local_day_of_closing(
    tenant_a: Tenant,
    builder: Any,
    import_at: Importer,
    reader_a: Client,
    tmp_path: Any,
) -> None:
    # Closed at 00:30 on the 6th in Paris (23:30 UTC on the 5th): it belongs to the 6th.
    builder.add_order("LATE", opened="2024-01-05 22:00:00", closed="2024-01-06 00:30:00")
    import_at(tenant_a, paths=builder.write(tmp_path))
    rows = reader_a.get(URL, {"date_debut": "2024-01-05", "date_fin": "2024-01-06"}).json()
    assert [(r["date"], r["ca_ttc"], r["nb_plats"], r["canal"]) for r in rows] == [
        ("2024-01-05", "27.00", "3.000", "restaurant"),
        ("2024-01-06", "27.00", "3.000", "restaurant"),
    ]


def test_margins_count_the_recipes_material_cost_and_top_dishes_rank_by_margin_and_volume(
    tenant_a: Tenant, builder: Any, import_at: Importer, reader_a: Client, tmp_path: Any
) -> None:
    from django_tenants.utils import schema_context

    from tenant_apps.sales.models import Dish
    from tenant_apps.sales.services.dishes import Ingredient, recipe_set
    from tests.factories.sales import stocked_product

    product_id, _, cost = stocked_product(tenant_a)
    import_at(
        tenant_a, paths=builder.write(tmp_path)
    )  # MAFE 1 x 15.00 (HT 13.64), GUINESS 2 x 6.00 (HT 10.00)
    with schema_context(tenant_a.schema_name):
        mafe = Dish.objects.get(till_name="MAFE POISSON FUME")
        recipe_set(dish=mafe, ingredients=[Ingredient(product_id, Decimal(2))])
    material = (2 * cost).quantize(Decimal("0.0001"))
    period = {"date_debut": "2024-01-05", "date_fin": "2024-01-05"}
    [day] = reader_a.get(URL, period).json()
    assert Decimal(day["marge_brute"]) == (Decimal("23.64") - material).quantize(Decimal("0.01"))
    top = reader_a.get("/api/v1/analytics/ventes/top-plats", {**period, "limit": "5"}).json()
    by_name = {row["plat"]: row for row in top}
    assert Decimal(by_name["MAFE POISSON FUME"]["marge_brute"]) == (Decimal("13.64") - material).quantize(
        Decimal("0.01")
    )
    assert by_name["GUINESS"]["food_cost_pct"] is None  # no recipe: no cost known
    assert (by_name["GUINESS"]["rang_volume"], by_name["MAFE POISSON FUME"]["rang_volume"]) == (1, 2)
    margins = [Decimal(row["marge_brute"]) for row in top]
    assert margins == sorted(margins, reverse=True)
    assert [row["rang_marge"] for row in top] == [1, 2]
