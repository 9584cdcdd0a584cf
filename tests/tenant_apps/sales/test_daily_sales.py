"""The sales per local day and dish that the reports read: always the lines' sums, in the tenant's zone."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Sum
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from sumup_etl import Export
from tenant_apps.sales.models import DailySales, DailySalesState, Dish, OrderLine
from tenant_apps.sales.services import imports
from tests.factories.sales import Importer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

PARIS, MARTINIQUE = ZoneInfo("Europe/Paris"), ZoneInfo("America/Martinique")
URL = "/api/v1/analytics/ventes/restaurant"
WHOLE = {"date_debut": "2023-11-08", "date_fin": "2025-11-08"}
Sums = dict[tuple[date, int | None], tuple[Decimal, Decimal, Decimal, int]]


def _lines_summed(zone: ZoneInfo) -> Sums:
    sums: dict[tuple[date, int | None], list[Any]] = defaultdict(lambda: [Decimal(0)] * 3 + [0])
    for closed_at, dish_id, quantity, ttc, ht in OrderLine.objects.values_list(
        "closed_at", "dish_id", "quantity", "ca_ttc", "ca_ht"
    ):
        total = sums[closed_at.astimezone(zone).date(), dish_id]
        for i, amount in enumerate((quantity, ttc, ht, 1)):
            total[i] += amount
    return {key: (q, ttc, ht, n) for key, (q, ttc, ht, n) in sums.items()}


def _days() -> Sums:
    rows = DailySales.objects.values("day", "dish_id").annotate(
        q=Sum("quantity"), ttc=Sum("ca_ttc"), ht=Sum("ca_ht"), n=Sum("line_count")
    )
    return {(r["day"], r["dish_id"]): (r["q"], r["ttc"], r["ht"], r["n"]) for r in rows}


def _per_day(rows: list[dict[str, Any]]) -> dict[str, tuple[Decimal, Decimal]]:
    return {r["date"]: (Decimal(r["ca_ttc"]), Decimal(r["nb_plats"])) for r in rows}


def _truth_per_day(zone: ZoneInfo) -> dict[str, tuple[Decimal, Decimal]]:
    days: dict[str, tuple[Decimal, Decimal]] = {}
    for (day, _dish), (quantity, ttc, _ht, _n) in _lines_summed(zone).items():
        was = days.get(day.isoformat(), (Decimal(0), Decimal(0)))
        days[day.isoformat()] = (was[0] + ttc, was[1] + quantity)
    return days


def test_the_days_sum_every_line_once_across_chunks_and_a_second_import(
    tenant_a: Tenant, real_export: Export, import_at: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(imports, "CHUNK_SIZE", 997)  # chunks that split days between transactions
    import_at(tenant_a, export=real_export)
    again = import_at(tenant_a, export=real_export)
    assert again.imported == 0
    with schema_context(tenant_a.schema_name):
        assert DailySalesState.objects.get().zone == "Europe/Paris"
        days = _days()
        assert days == _lines_summed(PARIS)
        assert sum(ttc for _q, ttc, _ht, _n in days.values()) == Decimal("339196.60")
        assert sum(n for *_sums, n in days.values()) == 19_660


def test_a_whole_day_window_reads_the_days_and_partial_ends_read_the_lines(
    tenant_a: Tenant, real_export: Export, import_at: Importer, reader_a: Client
) -> None:
    import_at(tenant_a, export=real_export)
    with schema_context(tenant_a.schema_name):
        truth = _truth_per_day(PARIS)
    whole = reader_a.get(URL, WHOLE)
    assert whole.status_code == 200, whole.content
    assert _per_day(whole.json()) == truth
    # Whole days are read from the days' table: a cent put there shows (derived data, made wrong on purpose).
    with schema_context(tenant_a.schema_name):
        row = DailySales.objects.filter(day=date(2024, 3, 30)).order_by("id").first()
        assert row is not None
        DailySales.objects.filter(pk=row.pk).update(ca_ttc=row.ca_ttc + Decimal("0.01"))
    day = {"date_debut": "2024-03-30", "date_fin": "2024-03-30"}
    tampered = _per_day(reader_a.get(URL, day).json())["2024-03-30"][0]
    assert tampered == truth["2024-03-30"][0] + Decimal("0.01")
    with schema_context(tenant_a.schema_name):
        DailySales.objects.filter(pk=row.pk).update(ca_ttc=row.ca_ttc)
    # Across the spring change of hour, with a partial day at each end: those two from the lines.
    window = {"date_debut": "2024-03-29T18:30:00", "date_fin": "2024-04-02T14:00:00"}
    rows = _per_day(reader_a.get(URL, window).json())
    assert set(rows) <= {"2024-03-29", "2024-03-30", "2024-03-31", "2024-04-01", "2024-04-02"}
    for whole_day in ("2024-03-30", "2024-03-31", "2024-04-01"):
        assert rows.get(whole_day) == truth.get(whole_day), whole_day
    assert rows["2024-03-29"][0] < truth["2024-03-29"][0]  # only what closed after 18:30


def test_a_deleted_dish_keeps_its_sales_in_the_days(
    tenant_a: Tenant, real_export: Export, import_at: Importer, admin_api_a: Client, reader_a: Client
) -> None:
    import_at(tenant_a, export=real_export)
    with schema_context(tenant_a.schema_name):
        dish = Dish.objects.annotate(n=Count("lines")).order_by("-n").first()
        assert dish is not None
    assert admin_api_a.delete(f"/api/v1/plats/{dish.pk}").status_code == 204
    with schema_context(tenant_a.schema_name):
        assert days_equal_lines(PARIS)
        assert DailySales.objects.filter(dish__isnull=True).exists()
    rows = reader_a.get(URL, WHOLE).json()
    assert sum(Decimal(r["ca_ttc"]) for r in rows) == Decimal("339196.60")


def days_equal_lines(zone: ZoneInfo) -> bool:
    return _days() == _lines_summed(zone)


def test_after_the_zone_changes_reports_follow_it_and_the_next_import_rebuilds_the_days(
    tenant_a: Tenant, real_export: Export, import_at: Importer, reader_a: Client
) -> None:
    import_at(tenant_a, export=real_export)
    tenant_a.settings = {**tenant_a.settings, "time_zone": "America/Martinique"}
    tenant_a.save(update_fields=["settings"])
    with schema_context(tenant_a.schema_name):
        truth = _truth_per_day(MARTINIQUE)
        assert truth != _truth_per_day(PARIS)
    # The days are Paris's until an import: the report reads the lines, in Martinique's calendar.
    whole = {"date_debut": "2023-11-07", "date_fin": "2025-11-08"}
    assert _per_day(reader_a.get(URL, whole).json()) == truth
    assert import_at(tenant_a, export=real_export).imported == 0
    with schema_context(tenant_a.schema_name):
        assert DailySalesState.objects.get().zone == "America/Martinique"
        assert days_equal_lines(MARTINIQUE)
    assert _per_day(reader_a.get(URL, whole).json()) == truth
