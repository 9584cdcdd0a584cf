"""Load one parsed invoice: staging row, ODS header and lines, DWH facts and prices, in one transaction.

Speed comes from doing per invoice a fixed, small number of statements whatever its size (services.rows):
the lines by COPY, products by one upsert, facts and prices by one INSERT … SELECT.
Aggregates are not touched here: the products are only flagged
stale, and one set-based refresh runs per batch (services.aggregates).
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Subquery

from metro_etl import ParsedInvoice, ReconciliationReport

from ..models import DocumentStatus, ImportBatch, Invoice, ReconciliationStatus, StagedDocument
from .rows import (
    LoadContext,
    facts_and_prices_insert,
    line_rows,
    lines_copy,
    load_context_build,
    product_key,
    products_upsert,
)

# METRO prints French wall-clock time without a zone.
METRO_TZ = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class LoadResult:
    status: str  # a DocumentStatus value
    invoice_number: str
    nb_lines: int = 0
    reasons: tuple[str, ...] = ()


def report_as_json(report: ReconciliationReport) -> dict[str, object]:
    return {
        "reconciled": report.reconciled,
        "gaps": [
            {"what": g.what, "expected": _text(g.expected), "actual": _text(g.actual)} for g in report.gaps
        ],
        "warnings": list(report.warnings),
    }


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _staged_save(
    *,
    sha256: str,
    file_name: str,
    batch: ImportBatch,
    status: str,
    parsed: ParsedInvoice,
    report: ReconciliationReport,
    invoice: Invoice | None,
) -> None:
    row = StagedDocument(
        sha256=sha256,
        batch=batch,
        file_name=file_name[:255],
        status=status,
        invoice_number=parsed.number,
        doc_type=str(parsed.doc_type),
        raw_lines=[line.raw for line in parsed.lines] + list(parsed.unparsed_lines),
        reconciliation=report_as_json(report),
        invoice=invoice,
    )
    # One INSERT … ON CONFLICT (sha256) DO UPDATE: a file seen before (an error, now fixed) is overwritten.
    StagedDocument.objects.bulk_create(
        [row], update_conflicts=True, unique_fields=["sha256"], update_fields=STAGED_UPDATE_FIELDS
    )


STAGED_UPDATE_FIELDS = [
    "batch",
    "file_name",
    "status",
    "invoice_number",
    "doc_type",
    "raw_lines",
    "reconciliation",
    "error_code",
    "error_message",
    "invoice",
    "updated_at",
]


def invoice_load(
    *,
    parsed: ParsedInvoice,
    report: ReconciliationReport,
    sha256: str,
    file_name: str,
    batch: ImportBatch,
    context: LoadContext,
    force: bool = False,
) -> LoadResult:
    """Stage `parsed`, and load it when it reconciles (or `force`); a known number is a duplicate."""
    reasons = tuple(str(gap) for gap in report.gaps)
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        existing = Invoice.objects.filter(numero=parsed.number).first()
        if existing is not None:
            if StagedDocument.objects.filter(sha256=sha256, status=DocumentStatus.LOADED).exists():
                # The very file that loaded this invoice, offered twice in one batch: keep its record.
                return LoadResult(DocumentStatus.DUPLICATE, parsed.number)
            _staged_save(
                sha256=sha256,
                file_name=file_name,
                batch=batch,
                status=DocumentStatus.DUPLICATE,
                parsed=parsed,
                report=report,
                invoice=existing,
            )
            return LoadResult(DocumentStatus.DUPLICATE, parsed.number)
        if not report.reconciled and not force:
            _staged_save(
                sha256=sha256,
                file_name=file_name,
                batch=batch,
                status=DocumentStatus.UNRECONCILED,
                parsed=parsed,
                report=report,
                invoice=None,
            )
            return LoadResult(DocumentStatus.UNRECONCILED, parsed.number, reasons=reasons)
        invoice = _invoice_create(
            parsed=parsed, report=report, sha256=sha256, file_name=file_name, batch=batch
        )
        _staged_save(
            sha256=sha256,
            file_name=file_name,
            batch=batch,
            status=DocumentStatus.LOADED,
            parsed=parsed,
            report=report,
            invoice=invoice,
        )
        products = products_upsert(parsed.lines, context)
        lines_copy(line_rows(parsed, invoice.pk, products))
        facts_and_prices_insert(invoice_id=invoice.pk)
        _credit_notes_link(invoice=invoice)
    context.product_ids.update(products)
    return LoadResult(DocumentStatus.LOADED, parsed.number, nb_lines=len(parsed.lines), reasons=reasons)


def _commit_without_waiting_for_disk() -> None:
    """`synchronous_commit = off` for this transaction only: the commit returns before the WAL reaches disk.

    Atomicity and consistency are unchanged; what a database crash can cost is the last fraction of a
    second of commits, i.e. a few invoices that simply are not there yet. The import is idempotent, so
    running the batch again loads them. This removes one disk flush per invoice, the largest single cost
    of a one-transaction-per-invoice load.
    """
    if connection.in_atomic_block and not connection.savepoint_ids:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _invoice_create(
    *, parsed: ParsedInvoice, report: ReconciliationReport, sha256: str, file_name: str, batch: ImportBatch
) -> Invoice:
    status = ReconciliationStatus.RECONCILED if report.reconciled else ReconciliationStatus.FORCED
    return Invoice.objects.create(
        numero=parsed.number,
        doc_type=str(parsed.doc_type),
        libelle_document=parsed.doc_label[:64],
        date_facture=parsed.invoice_date,
        facture_le=parsed.invoice_datetime.replace(tzinfo=METRO_TZ),
        magasin=parsed.store_name[:64],
        code_magasin=parsed.store_code[:8],
        numero_client=parsed.customer_number or "",
        total_ht=parsed.total_ht,
        total_tva=parsed.total_tva,
        total_ttc=parsed.total_ttc,
        total_a_payer=parsed.total_a_payer,
        nb_lignes=len(parsed.lines),
        statut_rapprochement=status,
        rapport_rapprochement=report_as_json(report),
        numero_facture_referencee=parsed.referenced_invoice_number or "",
        fichier_source=file_name[:255],
        sha256=sha256,
        batch=batch,
    )


def _credit_notes_link(*, invoice: Invoice) -> None:
    """Link a credit note to its invoice, and an invoice to the credit notes that arrived before it."""
    if invoice.numero_facture_referencee:
        original = Invoice.objects.filter(numero=invoice.numero_facture_referencee).values_list(
            "pk", flat=True
        )
        Invoice.objects.filter(pk=invoice.pk).update(facture_referencee_id=Subquery(original[:1]))
    Invoice.objects.filter(numero_facture_referencee=invoice.numero, facture_referencee__isnull=True).update(
        facture_referencee=invoice
    )


__all__ = ["LoadContext", "LoadResult", "invoice_load", "load_context_build", "product_key"]
