"""The load as production runs it: in autocommit, where each invoice's one statement is its own transaction.

The other tests run inside pytest-django's per-test transaction, where the loader takes a savepoint
instead. These commit for real (outside that transaction) and empty the METRO tables of tenant A after.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import IntegrityError, connection

import tenant_apps.metro.services.loading as loading
from metro_etl import reconcile
from shared_apps.tenants.models import Tenant
from tenant_apps.metro.models import (
    ImportBatch,
    Invoice,
    InvoiceLine,
    PriceHistory,
    Product,
    PurchaseFact,
    StagedDocument,
)
from tests.factories.metro import _cached_parse, import_samples, in_schema, sample_paths
from tests.tenant_apps.metro.test_load import state

_TABLES = (
    "metro_purchasefact, metro_pricehistory, metro_invoiceline, metro_stageddocument, metro_invoice, "
    "metro_product, metro_pendingfile, metro_importbatch"
)


@pytest.fixture
def committing_tenant(django_db_blocker: Any) -> Iterator[Tenant]:
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="alpha")
        assert connection.get_autocommit()
        try:
            yield tenant
        finally:
            with in_schema(tenant), connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {_TABLES} CASCADE")


def test_a_crash_mid_batch_keeps_the_committed_invoices_and_a_rerun_completes(
    committing_tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_execute = loading._execute
    calls = {"n": 0}

    def crashing_execute(params: dict[str, Any]) -> Any:
        calls["n"] += 1
        if calls["n"] == 9:
            raise RuntimeError("the worker died")
        return real_execute(params)

    monkeypatch.setattr(loading, "_execute", crashing_execute)
    with pytest.raises(RuntimeError, match="the worker died"):
        import_samples(committing_tenant)
    with in_schema(committing_tenant):
        assert Invoice.objects.count() == 8  # committed one by one, nothing of the 9th
    monkeypatch.setattr(loading, "_execute", real_execute)
    rerun = import_samples(committing_tenant)
    assert (rerun.count("duplicate"), rerun.count("imported")) == (8, 32)
    with in_schema(committing_tenant):
        after = state()
        assert len(after["invoices"]) == 40
        assert not Product.objects.filter(aggregats_a_jour=False).exists()
        assert StagedDocument.objects.count() == 40
    assert import_samples(committing_tenant).count("duplicate") == 40  # and again: nothing changes
    with in_schema(committing_tenant):
        assert state() == after


def test_an_invoice_whose_statement_fails_at_commit_leaves_nothing_behind(committing_tenant: Tenant) -> None:
    """The statement is the transaction: a foreign key checked at commit fails it whole."""
    parsed = _cached_parse(sample_paths("135_12_329009")[0])
    missing_batch = ImportBatch(pk=uuid.uuid4())  # never saved: the staged row's and invoice's batch FK fail
    with in_schema(committing_tenant):
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = on")  # a dev/test cluster may default to off
        with pytest.raises(IntegrityError):
            loading.invoice_load(
                parsed=parsed,
                report=reconcile(parsed),
                sha256="0" * 64,
                file_name="x.pdf",
                batch=missing_batch,
                context=loading.load_context_build(),
            )
        for model in (Invoice, InvoiceLine, PurchaseFact, PriceHistory, Product, StagedDocument):
            assert not model.objects.exists(), model.__name__
        # The SET LOCAL of that transaction did not outlive it.
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)
