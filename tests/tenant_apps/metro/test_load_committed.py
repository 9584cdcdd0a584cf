"""The load as production runs it: in autocommit, where each invoice's one statement is its own transaction.

The other tests run inside pytest-django's per-test transaction, where the loader takes a savepoint
instead. These commit for real (outside that transaction) and empty the METRO tables of tenant A after.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.db import IntegrityError, connection, transaction

import tenant_apps.metro.services.aggregates as aggregates
import tenant_apps.metro.services.batches as batches
import tenant_apps.metro.services.loading as loading
from metro_etl import reconcile
from shared_apps.core.exceptions import Conflict
from shared_apps.tenants import citus
from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tenant_apps.metro.models import (
    BatchStatus,
    DocumentStatus,
    ImportBatch,
    ImportSource,
    Invoice,
    InvoiceLine,
    PriceHistory,
    PurchaseFact,
    StagedDocument,
)
from tenant_apps.metro.services.outcomes import FileOutcome
from tests.factories.metro import _cached_parse, import_samples, in_schema, sample_paths
from tests.tenant_apps.metro.conftest import COMMITTED_TABLES
from tests.tenant_apps.metro.test_load import CREDIT_NOTE, ORIGINAL, WorkerDied, state

T = TypeVar("T")


def _truncate(tenant: Tenant) -> None:
    with in_schema(tenant), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {COMMITTED_TABLES} CASCADE")


def _race(tenant: Tenant, batch: ImportBatch, loads: list[Callable[[], T]]) -> list[T]:
    """Run each of `loads` on a thread (and connection) of its own, all statements in flight at once.

    The batch row is locked meanwhile: a load's statement cannot commit (its deferred foreign key to the
    batch waits for that lock) until every load is waiting, so none commits before the others took their
    snapshot. Then the lock goes and they finish.
    """
    results: list[Any] = [None] * len(loads)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            with in_schema(tenant):
                results[index] = loads[index]()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(loads))]
    with in_schema(tenant), transaction.atomic():
        ImportBatch.objects.select_for_update().get(pk=batch.pk)
        for thread in threads:
            thread.start()
        _wait_for_blocked_backends(len(loads))
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


_BLOCKED = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND cardinality(pg_blocking_pids(pid)) > 0"
)
# On Citus the loads wait on the worker that holds the tenant: the coordinator's own lock table shows nothing.
_BLOCKED_ON_CITUS = "SELECT count(DISTINCT waiting_gpid) FROM citus_lock_waits"


def _wait_for_blocked_backends(count: int) -> None:
    deadline = time.monotonic() + 20
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(_BLOCKED_ON_CITUS if citus.citus_active() else _BLOCKED)
            row = cursor.fetchone()
            if row is not None and row[0] >= count:
                return
            time.sleep(0.02)
    raise AssertionError(f"{count} loads never waited at once")


def _import_file(tenant: Tenant, batch: ImportBatch, name: str, data: bytes) -> Callable[[], FileOutcome]:
    parsed = _cached_parse(sample_paths(name)[0])
    return lambda: batches.invoice_import_file(
        path_or_bytes=data, filename=f"{name}.pdf", batch=batch, parsed=parsed
    )


@pytest.mark.parametrize("same_file", [True, False], ids=["same-file", "same-number-other-file"])
def test_two_connections_racing_on_one_invoice_load_it_once_and_the_other_is_a_duplicate(
    committing_tenant: Tenant, same_file: bool
) -> None:
    data = sample_paths(ORIGINAL)[0].read_bytes()
    with in_schema(committing_tenant):
        batch = ImportBatch.objects.create(source=ImportSource.CLI)
    loads = [
        _import_file(committing_tenant, batch, ORIGINAL, data),
        _import_file(committing_tenant, batch, ORIGINAL, data if same_file else data + b"\n"),
    ]
    outcomes = _race(committing_tenant, batch, loads)
    assert sorted(o.status for o in outcomes) == ["duplicate", "imported"]
    with in_schema(committing_tenant):
        invoice = Invoice.objects.get()
        assert InvoiceLine.objects.count() == invoice.lines.count() > 0
        assert PurchaseFact.objects.filter(invoice=invoice).count() == invoice.line_count
        staged = sorted(StagedDocument.objects.values_list("status", "invoice_id"))
        expected = [(DocumentStatus.LOADED, invoice.pk)]
        if not same_file:  # the losing file is staged as a duplicate of the winner's invoice
            expected.insert(0, (DocumentStatus.DUPLICATE, invoice.pk))
        assert staged == expected


def test_a_credit_note_and_its_invoice_loaded_at_once_are_linked_after_the_batch(
    committing_tenant: Tenant,
) -> None:
    with in_schema(committing_tenant):
        batch = ImportBatch.objects.create(source=ImportSource.CLI)
    loads = [
        _import_file(committing_tenant, batch, name, sample_paths(name)[0].read_bytes())
        for name in (ORIGINAL, CREDIT_NOTE)
    ]
    assert [o.status for o in _race(committing_tenant, batch, loads)] == ["imported", "imported"]
    with in_schema(committing_tenant):
        note = Invoice.objects.get(referenced_number__gt="")
        if citus.citus_active():
            # The worker that holds the tenant may let one load see the other's invoice: the link is then
            # made at once. What must hold there is the end state after the batch's repair.
            missed = note.referenced_invoice is None
            assert loading.credit_notes_link() == int(missed)
        else:
            assert note.referenced_invoice is None  # neither snapshot saw the other: the link was missed
            assert loading.credit_notes_link() == 1  # what every batch runs after its loads
        note.refresh_from_db()
        assert note.referenced_invoice == Invoice.objects.get(number=note.referenced_number)


def test_a_batch_on_two_connections_gives_the_state_and_counters_of_a_sequential_one(
    committing_tenant: Tenant,
) -> None:
    sequential = import_samples(committing_tenant, load_workers=1)
    with in_schema(committing_tenant):
        reference = state()
    _truncate(committing_tenant)
    result = import_samples(committing_tenant, load_workers=2)
    assert [o.file for o in result.outcomes] == [p.name for p in sample_paths()]  # input order
    assert result.outcomes == sequential.outcomes
    assert result.products_refreshed == sequential.products_refreshed > 0
    with in_schema(committing_tenant):
        assert state() == reference  # credit-note links, products, facts, aggregates, staging
        batch = ImportBatch.objects.get()
        assert (batch.status, batch.processed_count, batch.imported_count, batch.duplicate_count) == (
            BatchStatus.DONE,
            40,
            40,
            0,
        )
        assert batch.line_count == sum(o.line_count for o in result.outcomes) > 0
    again = import_samples(committing_tenant, load_workers=2)
    assert again.count("duplicate") == 40
    with in_schema(committing_tenant):
        assert state() == reference


def test_an_exception_in_one_invoice_on_two_connections_is_that_files_error_only(
    committing_tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_execute = loading._execute
    failing = sample_paths(ORIGINAL)[0].name

    def failing_execute(params: dict[str, Any]) -> Any:
        if params["file_name"] == failing:
            raise RuntimeError("boom")
        return real_execute(params)

    monkeypatch.setattr(loading, "_execute", failing_execute)
    result = import_samples(committing_tenant, load_workers=2)
    assert (result.count("imported"), result.count("error")) == (39, 1)
    assert [o.file for o in result.outcomes if o.status == "error"] == [failing]
    with in_schema(committing_tenant):
        assert ImportBatch.objects.get().status == BatchStatus.DONE
        assert ImportBatch.objects.get().error_count == 1
    monkeypatch.setattr(loading, "_execute", real_execute)
    rerun = import_samples(committing_tenant, load_workers=2)
    assert (rerun.count("imported"), rerun.count("duplicate")) == (1, 39)
    with in_schema(committing_tenant):
        # The credit note of the failed invoice got its link when the invoice arrived.
        assert Invoice.objects.filter(referenced_number__gt="", referenced_invoice=None).count() == 0


def test_a_crash_mid_batch_keeps_the_committed_invoices_and_a_rerun_completes(
    committing_tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_execute = loading._execute
    calls = {"n": 0}

    def crashing_execute(params: dict[str, Any]) -> Any:
        with lock:
            calls["n"] += 1
            if calls["n"] == 9:
                raise WorkerDied("the worker died")
        return real_execute(params)

    lock = threading.Lock()
    monkeypatch.setattr(loading, "_execute", crashing_execute)
    with pytest.raises(WorkerDied, match="the worker died"):
        import_samples(committing_tenant, load_workers=2)
    with in_schema(committing_tenant):
        # Committed one by one, nothing of the 9th; the other connection may have finished one or two more.
        committed = Invoice.objects.count()
        assert committed == calls["n"] - 1
        assert 8 <= committed < 40
        assert ImportBatch.objects.get().status == BatchStatus.FAILED
    monkeypatch.setattr(loading, "_execute", real_execute)
    rerun = import_samples(committing_tenant, load_workers=2)
    assert (rerun.count("duplicate"), rerun.count("imported")) == (committed, 40 - committed)
    with in_schema(committing_tenant):
        after = state()
        assert len(after["invoices"]) == 40
        assert not Product.objects.filter(aggregates_fresh=False).exists()
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


def _two_invoices_sharing_a_product() -> tuple[Path, Path, str]:
    keys = {p: {loading.product_key(line) for line in _cached_parse(p).lines} for p in sample_paths()}
    for first in sorted(keys):
        for second in sorted(keys):
            shared = keys[first] & keys[second]
            if first != second and shared:
                return first, second, min(shared)
    raise AssertionError("no two sample invoices share a product")


def _load(batch: ImportBatch, path: Path) -> FileOutcome:
    return batches.invoice_import_file(
        path_or_bytes=path.read_bytes(), filename=path.name, batch=batch, parsed=_cached_parse(path)
    )


def test_a_refresh_while_another_import_is_loading_never_marks_its_products_up_to_date(
    committing_tenant: Tenant,
) -> None:
    """The other import's invoice is in flight (its facts uncommitted) when a refresh runs: had the refresh
    rebuilt the shared product from its snapshot and marked it up to date, the product would miss that
    invoice for good (the invoice found it stale already, so did not flag it again)."""
    first, second, key = _two_invoices_sharing_a_product()
    with in_schema(committing_tenant):
        batch = ImportBatch.objects.create(source=ImportSource.CLI)
        assert _load(batch, first).status == "imported"
        assert Product.objects.get(natural_key=key).aggregates_fresh is False
    in_flight, finish = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def other_import() -> None:
        try:
            with in_schema(committing_tenant), aggregates.loads_running(), transaction.atomic():
                assert _load(batch, second).status == "imported"
                in_flight.set()
                finish.wait(timeout=30)
        except BaseException as error:
            errors.append(error)
        finally:
            in_flight.set()
            connection.close()

    thread = threading.Thread(target=other_import)
    thread.start()
    try:
        assert in_flight.wait(timeout=30)
        with in_schema(committing_tenant):
            assert aggregates.aggregates_refresh() == 0  # a load is in flight: nothing marked up to date
            with pytest.raises(Conflict) as refused:
                aggregates.aggregates_recalculate()
            assert refused.value.code == "import_running"
    finally:
        finish.set()
        thread.join(timeout=30)
    assert not errors, errors
    with in_schema(committing_tenant):
        assert aggregates.aggregates_refresh() > 0  # the last import to finish refreshes every stale one
        product = Product.objects.get(natural_key=key)
        bought = PurchaseFact.objects.filter(product=product, unit_quantity__gt=0)
        assert product.aggregates_fresh is True
        assert product.purchase_count == bought.count() >= 2
        facts = PurchaseFact.objects.filter(product=product)
        assert product.total_net == sum(fact.net_amount for fact in facts)
