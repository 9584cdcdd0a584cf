"""The real export loaded as production loads it: in autocommit, each chunk its own committed transaction.

Inside pytest-django's per-test transaction the deferred foreign keys of the whole export would be checked
at teardown in one statement (`SET CONSTRAINTS ALL IMMEDIATE`), which can meet the statement timeout on a
loaded machine. Committing for real checks them where production does, at each chunk's commit; the sales
tables of tenant A (and the site the import created) are emptied after.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.models import Sum

from shared_apps.tenants.models import Tenant
from sumup_etl import Export
from tenant_apps.sales.models import DailySales, DailySalesState, ImportSource, Order, OrderLine, OrderPayment
from tenant_apps.sales.services import ImportResult, sales_import_files
from tests.factories.metro import in_schema
from tests.support.committing import committing

_TABLES = (
    "sales_dailysales, sales_dailysalesstate, "
    "sales_orderpayment, sales_orderline, sales_order, sales_pendingupload, sales_salesimport, "
    "sales_recipeline, sales_dish, sales_tillestablishment, "
    "stock_stockmovement, stock_stockday, stock_stocklevel, stock_site"
)


@pytest.fixture
def committing_tenant(django_db_setup: None, django_db_blocker: Any) -> Iterator[Tenant]:
    yield from committing(django_db_blocker, tables=_TABLES)


def _import(tenant: Tenant, export: Export) -> ImportResult:
    with in_schema(tenant):
        return sales_import_files(sources=[], export=export, source=ImportSource.CLI)


def _counts() -> tuple[int, int, int, Decimal]:
    total = Order.objects.aggregate(s=Sum("total_ttc"))["s"] or Decimal("0")
    return Order.objects.count(), OrderLine.objects.count(), OrderPayment.objects.count(), total


def test_the_real_export_loads_whole_and_a_second_import_changes_nothing(
    committing_tenant: Tenant, real_export: Export
) -> None:
    first = _import(committing_tenant, real_export)
    assert (first.imported, first.lines, first.invalid, first.duplicates) == (7880, 19660, 0, 0)
    assert first.ca_ttc == Decimal("339196.60")
    with in_schema(committing_tenant):
        before = _counts()
        assert before == (7880, 19660, 7882, Decimal("339196.60"))
        assert OrderLine.objects.aggregate(s=Sum("ca_ttc"))["s"] == Decimal("339196.60")
        assert OrderLine.objects.aggregate(s=Sum("ca_ht"))["s"] == Decimal("295923.06")
        ids_before = set(Order.objects.values_list("pk", flat=True))
    again = _import(committing_tenant, real_export)
    assert (again.imported, again.duplicates, again.lines) == (0, 7880, 0)
    with in_schema(committing_tenant):
        assert _counts() == before
        days = DailySales.objects.aggregate(ttc=Sum("ca_ttc"), lines=Sum("line_count"))
        assert days == {"ttc": Decimal("339196.60"), "lines": 19660}
        assert set(Order.objects.values_list("pk", flat=True)) == ids_before


def test_two_imports_at_once_in_two_zones_never_leave_days_that_lie(
    committing_tenant: Tenant, real_export: Export
) -> None:
    """The second import starts after the tenant moved to another zone, while the first still loads: the
    days end up stale (reports read the lines) or complete in one zone, never a mix; the next import
    rebuilds them in the tenant's zone."""
    half = len(real_export.orders) // 2
    exports = (replace(real_export, orders=real_export.orders[:half]),
               replace(real_export, orders=real_export.orders[half:]))  # fmt: skip
    first_chunk, failures = threading.Event(), []

    def load(export: Export, on_chunk: Any = None) -> None:
        try:
            with in_schema(committing_tenant):
                sales_import_files(sources=[], export=export, source=ImportSource.CLI, on_chunk=on_chunk)
        except Exception as error:
            failures.append(error)
            first_chunk.set()
        finally:
            connection.close()

    settings = dict(committing_tenant.settings)
    try:
        paris = threading.Thread(target=load, args=(exports[0], lambda _n: first_chunk.set()))
        paris.start()
        assert first_chunk.wait(60)
        committing_tenant.settings = {**settings, "time_zone": "America/Martinique"}
        committing_tenant.save(update_fields=["settings"])
        martinique = threading.Thread(target=load, args=(exports[1],))
        martinique.start()
        for thread in (paris, martinique):
            thread.join(120)
        assert failures == []
        with in_schema(committing_tenant):
            assert _counts()[3] == Decimal("339196.60")
            zone = DailySalesState.objects.get().zone
            assert zone == "" or _days_summed() == _lines_summed(ZoneInfo(zone))
        _import(committing_tenant, real_export)  # nothing new: it only rebuilds the days
        with in_schema(committing_tenant):
            assert DailySalesState.objects.get().zone == "America/Martinique"
            assert _days_summed() == _lines_summed(ZoneInfo("America/Martinique"))
    finally:
        committing_tenant.settings = settings
        committing_tenant.save(update_fields=["settings"])


def _days_summed() -> dict[tuple[Any, Any], tuple[Decimal, Decimal, int]]:
    rows = DailySales.objects.values("day", "dish_id").annotate(
        t=Sum("ca_ttc"), q=Sum("quantity"), n=Sum("line_count")
    )
    return {(r["day"], r["dish_id"]): (r["t"], r["q"], r["n"]) for r in rows}


def _lines_summed(zone: ZoneInfo) -> dict[tuple[Any, Any], tuple[Decimal, Decimal, int]]:
    sums: dict[tuple[Any, Any], tuple[Decimal, Decimal, int]] = {}
    for closed_at, dish_id, ttc, quantity in OrderLine.objects.values_list(
        "closed_at", "dish_id", "ca_ttc", "quantity"
    ):
        key = (closed_at.astimezone(zone).date(), dish_id)
        t, q, n = sums.get(key, (Decimal(0), Decimal(0), 0))
        sums[key] = (t + ttc, q + quantity, n + 1)
    return sums
