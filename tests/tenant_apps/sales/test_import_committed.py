"""The real export loaded as production loads it: in autocommit, each chunk its own committed transaction.

Inside pytest-django's per-test transaction the deferred foreign keys of the whole export would be checked
at teardown in one statement (`SET CONSTRAINTS ALL IMMEDIATE`), which can meet the statement timeout on a
loaded machine. Committing for real checks them where production does, at each chunk's commit; the sales
tables of tenant A (and the site the import created) are emptied after.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum

from shared_apps.tenants.models import Tenant
from sumup_etl import Export
from tenant_apps.sales.models import DailySales, ImportSource, Order, OrderLine, OrderPayment
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
