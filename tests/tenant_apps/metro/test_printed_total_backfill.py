"""The data migration that reports the printed total of documents loaded before imports stored it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from shared_apps.tenants.models import Tenant
from tenant_apps.metro.models import Invoice
from tests.factories.metro import in_schema

pytestmark = pytest.mark.django_db

BEFORE = [("metro", "0011_batch_lease")]
BACKFILL = ("metro", "0012_printed_total_backfill")


def _old_invoice(
    model: Any, number: str, *, gross: str | None, due: str | None, doc_type: str = "invoice"
) -> None:
    model.objects.create(
        number=number,
        doc_type=doc_type,
        doc_label="FACTURE",
        invoice_date=dt.date(2024, 3, 1),
        issued_at=timezone.now(),
        store_name="METRO Test",
        store_code="000",
        total_gross=None if gross is None else Decimal(gross),
        total_due=None if due is None else Decimal(due),
        reconciliation_status="reconciled",
        source_file=f"{number}.pdf",
        sha256=number.rjust(64, "0"),
    )


def test_documents_loaded_without_a_vat_table_get_their_printed_total_and_others_keep_theirs(
    tenant_a: Tenant,
) -> None:
    with in_schema(tenant_a):
        executor = MigrationExecutor(connection)
        assert BACKFILL in executor.loader.applied_migrations  # the test starts from the current schema
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("metro", "Invoice")
        _old_invoice(old, "EMPTY", gross=None, due="0.00")  # an empty invoice: "Total à payer 0,00"
        _old_invoice(old, "DOWNPAY", gross=None, due="150.00", doc_type="down_payment_invoice")
        _old_invoice(old, "REFUND", gross=None, due="-12.30", doc_type="deposit_refund")
        _old_invoice(old, "NORMAL", gross="119.60", due="119.60")
        _old_invoice(old, "SPLIT", gross="200.00", due="150.00")  # part paid already: the printed total stays
        _old_invoice(old, "NOTHING", gross=None, due=None)  # nothing printed: nothing invented

        executor.loader.build_graph()
        executor.migrate([BACKFILL])

        totals = dict(Invoice.objects.values_list("number", "total_gross"))
    assert totals == {
        "EMPTY": Decimal("0.00"),
        "DOWNPAY": Decimal("150.00"),
        "REFUND": Decimal("-12.30"),
        "NORMAL": Decimal("119.60"),
        "SPLIT": Decimal("200.00"),
        "NOTHING": None,
    }
