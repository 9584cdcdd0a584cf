"""The load into a tenant: the whole sample, idempotency, crash safety, bad files, credit notes, staging."""

from __future__ import annotations

import io
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count, Sum
from pypdf import PdfReader, PdfWriter

import tenant_apps.metro.services.batches as batches
import tenant_apps.metro.services.loading as loading
import tenant_apps.metro.services.parallel as parallel
from metro_etl import Gap, ReconciliationReport
from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tenant_apps.metro.models import (
    BatchStatus,
    DocumentStatus,
    ImportBatch,
    Invoice,
    InvoiceLine,
    LineKind,
    PriceHistory,
    PurchaseFact,
    ReconciliationStatus,
    StagedDocument,
)
from tenant_apps.metro.services import SourceFile, batch_import, invoice_import_file
from tenant_apps.metro.services.loading import product_key
from tests.factories.metro import _cached_parse, import_samples, in_schema, sample_paths

pytestmark = pytest.mark.django_db

CREDIT_NOTE, ORIGINAL = "135_12_329014", "135_12_329009"


class WorkerDied(BaseException):
    """The process going down mid-batch (an exception of one invoice's load is only that file's error)."""


def state() -> dict[str, Any]:
    """Everything a load decides, without ids or timestamps: two equal states are the same load."""
    lines = InvoiceLine.objects.order_by("invoice__number", "position")
    return {
        "invoices": list(
            Invoice.objects.order_by("number").values_list(
                "number", "total_net", "total_vat", "total_gross", "line_count", "referenced_invoice__number"
            )
        ),
        "lines": list(
            lines.values_list("invoice__number", "position", "kind", "net_amount", "product__natural_key")
        ),
        "facts": PurchaseFact.objects.aggregate(n=Count("pk"), ht=Sum("net_amount"), q=Sum("unit_quantity")),
        "prices": PriceHistory.objects.count(),
        "products": list(
            Product.objects.order_by("natural_key").values_list(
                "natural_key",
                "purchase_count",
                "total_net",
                "min_unit_price",
                "max_unit_price",
                "avg_unit_price",
                "first_purchase",
                "last_purchase",
                "aggregates_fresh",
            )
        ),
        "staged": list(
            StagedDocument.objects.order_by("sha256").values_list("sha256", "status", "invoice_number")
        ),
    }


def test_the_whole_sample_loads_with_the_expected_counts_and_totals(
    tenant_a: Tenant, expected: dict[str, dict[str, str]]
) -> None:
    result = import_samples(tenant_a)
    assert (result.count("imported"), result.count("error"), result.count("unreconciled")) == (40, 0, 0)
    parsed = [_cached_parse(path) for path in sample_paths()]
    with in_schema(tenant_a):
        assert Invoice.objects.count() == len(expected) == 40
        article_lines = sum(int(row["article_lines"] or 0) for row in expected.values())
        assert InvoiceLine.objects.filter(kind=LineKind.ARTICLE).count() == article_lines == 530
        assert PurchaseFact.objects.count() == article_lines
        assert Product.objects.count() == len({product_key(line) for p in parsed for line in p.lines})
        assert not Product.objects.filter(aggregates_fresh=False).exists()
        for invoice in Invoice.objects.all():
            row = expected[invoice.number]
            assert str(invoice.invoice_date) == row["invoice_date"]
            assert invoice.store_name == row["store"]
            assert invoice.line_count == int(row["article_lines"] or 0)
            assert invoice.reconciliation_status == ReconciliationStatus.RECONCILED
            for field, printed_as in (("total_net", "ht"), ("total_vat", "tva"), ("total_gross", "ttc")):
                printed = row[f"total_{printed_as}"] or None
                value = getattr(invoice, field)
                if field == "total_gross" and value is None:
                    value = invoice.total_due  # empty and down-payment documents print only this
                assert (value is None and printed is None) or value == Decimal(printed or "nan"), (
                    invoice.number,
                    field,
                )


def test_importing_twice_changes_nothing(tenant_a: Tenant) -> None:
    import_samples(tenant_a)
    with in_schema(tenant_a):
        before = state()
    again = import_samples(tenant_a)
    assert again.count("duplicate") == 40
    assert again.count("imported") == 0
    with in_schema(tenant_a):
        assert state() == before


def test_the_same_invoice_under_another_name_or_other_bytes_is_a_duplicate(tenant_a: Tenant) -> None:
    path = sample_paths("135_12_331840")[0]
    import_samples(tenant_a, "135_12_331840")
    data = path.read_bytes()
    with in_schema(tenant_a):
        batch = ImportBatch.objects.create(source="cli")
        renamed = invoice_import_file(path_or_bytes=data, filename="renamed.pdf", batch=batch)
        # Other bytes (a re-download), same invoice number: a duplicate by number, staged as such.
        other_bytes = invoice_import_file(
            path_or_bytes=data + b"\n%%EOF\n", filename="again.pdf", batch=batch
        )
        assert (renamed.status, other_bytes.status) == ("duplicate", "duplicate")
        assert Invoice.objects.count() == 1
        statuses = sorted(StagedDocument.objects.values_list("status", flat=True))
        assert statuses == [DocumentStatus.DUPLICATE, DocumentStatus.LOADED]


def test_a_crash_in_the_middle_of_a_batch_then_a_rerun_gives_the_state_of_one_clean_run(
    tenant_a: Tenant, tenant_b: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_samples(tenant_b)  # the reference: one clean run
    with in_schema(tenant_b):
        clean = state()

    real_load = loading.invoice_load
    calls = {"n": 0}

    def crashing_load(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 17:
            raise WorkerDied("the worker died")
        return real_load(**kwargs)

    monkeypatch.setattr(loading, "invoice_load", crashing_load)
    with pytest.raises(WorkerDied, match="the worker died"):
        import_samples(tenant_a)
    with in_schema(tenant_a):
        assert Invoice.objects.count() == 16  # the 16 before the crash are committed, nothing of the 17th
        assert ImportBatch.objects.get().status == BatchStatus.FAILED
    monkeypatch.setattr(loading, "invoice_load", real_load)
    rerun = import_samples(tenant_a)
    assert (rerun.count("duplicate"), rerun.count("imported")) == (16, 24)
    with in_schema(tenant_a):
        assert state()["staged"] != []
        assert _without_hashes(state()) == _without_hashes(clean)


def test_a_batch_inside_an_atomic_block_loads_on_the_callers_connection_alone(tenant_a: Tenant) -> None:
    """Other connections could not see the caller's uncommitted rows (the batch's, for one)."""
    assert connection.in_atomic_block
    assert parallel.load_workers(4) == 1
    result = import_samples(tenant_a, ORIGINAL, CREDIT_NOTE, load_workers=4)
    assert result.count("imported") == 2
    with in_schema(tenant_a):
        note = Invoice.objects.get(referenced_number__gt="")
        assert note.referenced_invoice is not None


def test_an_exception_in_one_invoice_is_that_files_error_and_the_others_load(
    tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_execute = loading._execute
    calls = {"n": 0}

    def failing_execute(params: dict[str, Any]) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("boom")
        return real_execute(params)

    monkeypatch.setattr(loading, "_execute", failing_execute)
    result = import_samples(tenant_a)
    assert (result.count("imported"), result.count("error")) == (39, 1)
    [failed] = [o for o in result.outcomes if o.status == "error"]
    assert (failed.code, "boom" in failed.message) == (batches.LOAD_FAILED, False)
    with in_schema(tenant_a):
        assert ImportBatch.objects.get().status == BatchStatus.DONE
        assert StagedDocument.objects.filter(status=DocumentStatus.ERROR).count() == 1
    rerun = import_samples(tenant_a)
    assert (rerun.count("imported"), rerun.count("duplicate")) == (1, 39)


def _without_hashes(value: dict[str, Any]) -> dict[str, Any]:
    # Staged rows carry the same hashes at both tenants; keep the comparison about the loaded data.
    return {**value, "staged": [(s[1], s[2]) for s in value["staged"]]}


def _encrypted_pdf(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_bad_files_are_per_file_errors_and_the_rest_is_imported(tenant_a: Tenant, tmp_path: Any) -> None:
    good = sample_paths("135_13_81001", "135_16_170246")
    pdf = good[0].read_bytes()
    text = tmp_path / "notes.pdf"
    text.write_text("this is not a PDF at all\n")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(pdf[: len(pdf) // 3])
    encrypted = tmp_path / "encrypted.pdf"
    encrypted.write_bytes(_encrypted_pdf(pdf))
    missing = tmp_path / "gone.pdf"
    files = [SourceFile(p.name, path=p) for p in (good[0], text, truncated, encrypted, missing, good[1])]
    with in_schema(tenant_a):
        result = batch_import(files=files, workers=1)
        codes = {o.file: o.code for o in result.outcomes if o.status == "error"}
        assert codes == {
            "notes.pdf": "not_pdf",
            "truncated.pdf": "corrupt",
            "encrypted.pdf": "encrypted",
            "gone.pdf": "unreadable",
        }
        assert result.count("imported") == 2
        assert Invoice.objects.count() == 2
        assert result.as_json()["success"] is False
        errors = StagedDocument.objects.filter(status=DocumentStatus.ERROR)
        assert sorted(errors.values_list("error_code", flat=True)) == ["corrupt", "encrypted", "not_pdf"]


@pytest.mark.parametrize(
    "order", [(ORIGINAL, CREDIT_NOTE), (CREDIT_NOTE, ORIGINAL)], ids=["invoice-first", "credit-first"]
)
def test_a_credit_note_is_linked_to_its_invoice_whichever_arrives_first(
    tenant_a: Tenant, order: tuple[str, str]
) -> None:
    for prefix in order:
        import_samples(tenant_a, prefix)
    with in_schema(tenant_a):
        credit = Invoice.objects.get(doc_type="credit_note", number__startswith="0/")
        original = Invoice.objects.get(number=credit.referenced_number)
        assert credit.referenced_invoice == original
        assert credit.total_gross is not None
        assert credit.total_gross < 0
        assert list(original.credit_notes.all()) == [credit]


def _not_reconciling(invoice: Any) -> ReconciliationReport:
    return ReconciliationReport(
        invoice.number, False, (Gap("total HT", Decimal("1.00"), Decimal("2.00")),), ()
    )


def test_an_invoice_that_does_not_reconcile_stays_in_staging_unless_forced(
    tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batches, "reconcile", _not_reconciling)
    result = import_samples(tenant_a, "135_25_92244")
    outcome = result.outcomes[0]
    assert outcome.status == "unreconciled"
    assert outcome.reasons == ("total HT: expected 1.00, got 2.00",)
    with in_schema(tenant_a):
        assert not Invoice.objects.exists()
        assert not Product.objects.exists()
        assert not PurchaseFact.objects.exists()
        staged = StagedDocument.objects.get()
        assert staged.status == DocumentStatus.UNRECONCILED
        assert staged.reconciliation["gaps"][0]["what"] == "total HT"
    assert import_samples(tenant_a, "135_25_92244").outcomes[0].status == "unreconciled"  # still not loaded
    forced = import_samples(tenant_a, "135_25_92244", force=True)
    assert forced.count("imported") == 1
    with in_schema(tenant_a):
        invoice = Invoice.objects.get()
        assert invoice.reconciliation_status == ReconciliationStatus.FORCED
        assert invoice.line_count == 15
        assert StagedDocument.objects.get().status == DocumentStatus.LOADED


def test_product_prices_are_the_real_min_max_and_weighted_average(tenant_a: Tenant) -> None:
    import_samples(tenant_a)
    parsed = [_cached_parse(path) for path in sample_paths()]
    by_key: dict[str, list[Any]] = {}
    for invoice in parsed:
        for line in invoice.lines:
            by_key.setdefault(product_key(line), []).append(line)
    key, lines = next(
        (k, ls)
        for k, ls in sorted(by_key.items())
        if len({ln.unit_price for ln in ls if ln.quantity > 0}) > 1
    )
    bought = [ln for ln in lines if ln.quantity > 0 and ln.weight_kg is None]
    with in_schema(tenant_a):
        product = Product.objects.get(natural_key=key)
    assert product.min_unit_price == min(ln.unit_price for ln in bought)
    assert product.max_unit_price == max(ln.unit_price for ln in bought)
    assert product.min_unit_price < product.avg_unit_price < product.max_unit_price
    weighted = sum(ln.amount for ln in bought) / sum((ln.colisage or 1) * ln.quantity for ln in bought)
    assert product.avg_unit_price == weighted.quantize(Decimal("0.001"))
    assert product.purchase_count == len(bought)
    with in_schema(tenant_a):
        assert PriceHistory.objects.filter(product=product).count() >= 2


def test_a_tampered_parse_is_kept_out_of_the_facts(tenant_a: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    """A parse whose lines do not add up (one amount changed) fails the real reconciliation."""
    path = sample_paths("135_15_80113")[0]
    real = _cached_parse(path)
    tampered = replace(real, lines=(replace(real.lines[0], amount=real.lines[0].amount + 1), *real.lines[1:]))
    monkeypatch.setattr(batches, "parse_invoice", lambda data, filename=None: tampered)
    with in_schema(tenant_a):
        batch = ImportBatch.objects.create(source="cli")
        outcome = invoice_import_file(path_or_bytes=path.read_bytes(), filename=path.name, batch=batch)
        assert outcome.status == "unreconciled"
        assert outcome.reasons
        assert not Invoice.objects.exists()


def test_inside_a_callers_transaction_the_load_keeps_synchronous_commit(tenant_a: Tenant) -> None:
    """`synchronous_commit = off` is for the invoice's own transaction; a caller's commit stays durable."""
    path = sample_paths("135_13_81001")[0]
    with in_schema(tenant_a), transaction.atomic():  # the test's transaction is the caller's here
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = on")  # a dev/test cluster may default to off
        batch = ImportBatch.objects.create(source="cli")
        outcome = invoice_import_file(path_or_bytes=path.read_bytes(), filename=path.name, batch=batch)
        assert outcome.status == "imported"
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone() == ("on",)


def test_an_invoice_sharing_products_with_an_earlier_batch_reuses_them(tenant_a: Tenant) -> None:
    """Products the batch has not seen are found in the table, not inserted twice; aggregates add up."""
    first, second = "135_12_329009", "135_12_329014"  # an invoice and its credit note: the same articles
    import_samples(tenant_a, first)
    with in_schema(tenant_a):
        before = Product.objects.count()
    import_samples(tenant_a, second)
    parsed = [_cached_parse(path) for path in sample_paths(first, second)]
    with in_schema(tenant_a):
        keys = {product_key(line) for invoice in parsed for line in invoice.lines}
        assert Product.objects.count() == len(keys) >= before
        shared = {product_key(line) for line in parsed[0].lines} & {
            product_key(line) for line in parsed[1].lines
        }
        assert shared
        for product in Product.objects.filter(natural_key__in=shared):
            assert product.facts.count() == 2 or product.facts.values("invoice").distinct().count() == 2
            assert product.aggregates_fresh
            facts = product.facts.aggregate(ht=Sum("net_amount"))
            assert product.total_net == facts["ht"]
