"""Load one parsed invoice: staging row, ODS header and lines, DWH facts and prices, in one transaction.

Speed comes from round trips: the whole load is ONE prepared statement (services.statement), fed with one
array per column (services.rows), whatever the invoice's size; in autocommit mode that statement is also
the invoice's transaction, so an invoice costs one round trip. Aggregates are not touched here: the
products are only flagged stale, and one set-based refresh runs per batch (services.aggregates).
A batch may call this from several threads at once, one connection each (services.parallel): a race lost
to another connection is settled by running the statement again (`_retryable`), and credit-note links
the snapshots missed by one statement after the batch (`credit_notes_link`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from django.db import DatabaseError, IntegrityError, connection, transaction
from psycopg.types.json import Jsonb

from metro_etl import ParsedInvoice, ReconciliationReport
from shared_apps.core.postgresql_backend.base import changes_published

from ..models import DocumentStatus, ImportBatch, Invoice, ReconciliationStatus
from .customers import customer_site
from .rows import (
    LINE_COLUMNS,
    MOVEMENT_COLUMNS,
    PRODUCT_COLUMNS,
    LoadContext,
    line_arrays,
    load_context_build,
    product_arrays,
    product_key,
)
from .statement import INVOICE_LOAD_SQL, PARAM_NAMES

# METRO prints French wall-clock time without a zone.
METRO_TZ = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class LoadResult:
    status: str  # a DocumentStatus value
    invoice_number: str
    nb_lines: int = 0
    reasons: tuple[str, ...] = ()


def report_as_json(report: ReconciliationReport, parsed: ParsedInvoice) -> dict[str, object]:
    """The reconciliation, and the printed VAT table: the accounting entries charge its VAT, not a sum of
    per-line roundings."""
    return {
        "vat_table": [
            {"code": r.code, "rate": str(r.rate), "ht": str(r.ht), "tva": str(r.tva), "ttc": str(r.ttc)}
            for r in parsed.vat_rows
        ],
        "reconciled": report.reconciled,
        "gaps": [
            {"what": g.what, "expected": _text(g.expected), "actual": _text(g.actual)} for g in report.gaps
        ],
        "warnings": list(report.warnings),
    }


def _text(value: object) -> str | None:
    return None if value is None else str(value)


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
    params = _params(
        parsed=parsed, report=report, sha256=sha256, file_name=file_name, batch=batch, context=context
    )
    params["may_load"] = report.reconciled or force
    # In autocommit the statement is the invoice's transaction: PostgreSQL runs a lone statement as one
    # transaction, all of it or none, so no BEGIN and COMMIT round trips are needed. Inside a caller's
    # transaction it runs in a savepoint, so that a failure leaves that transaction usable; the commit
    # stays the caller's, and synchronous.
    params["async_commit"] = connection.get_autocommit()
    attempt = 0
    while True:
        attempt += 1
        try:
            if params["async_commit"]:
                status, new_keys, new_ids = _execute(params)
            else:
                with transaction.atomic():
                    status, new_keys, new_ids = _execute(params)
            break
        except DatabaseError as error:
            if not _retryable(error, attempt):
                raise
    if status != DocumentStatus.LOADED:
        return LoadResult(status, parsed.number, reasons=reasons * (status == DocumentStatus.UNRECONCILED))
    # Committed: the ids are real from now on (a rolled-back invoice must leave none in the cache).
    context.product_ids.update(zip(new_keys or (), new_ids or (), strict=True))
    return LoadResult(DocumentStatus.LOADED, parsed.number, nb_lines=len(parsed.lines), reasons=reasons)


# SQLSTATEs worth running the invoice's statement again for (it is a whole transaction, or a savepoint).
_UNIQUE_VIOLATION = "23505"
_CONCURRENCY_FAILURES = ("40P01", "40001")  # deadlock detected, serialization failure
_MAX_ATTEMPTS = 4


def _retryable(error: DatabaseError, attempt: int) -> bool:
    """A lost race with a concurrent load, which a new statement (a new snapshot) settles.

    - A unique violation: another connection inserted the same invoice number after this statement's
      snapshot was taken (both saw none). Run again, the statement sees that invoice and records this
      file as a duplicate of it, as a sequential load would; once is enough.
    - A deadlock (two loads flagging or inserting the same products in another order) or a serialization
      failure: PostgreSQL rolled this one back whole; run it again, a few times at most.
    """
    sqlstate = getattr(error.__cause__, "sqlstate", None)
    if isinstance(error, IntegrityError):
        return sqlstate == _UNIQUE_VIOLATION and attempt == 1
    return sqlstate in _CONCURRENCY_FAILURES and attempt < _MAX_ATTEMPTS


def credit_notes_link() -> int:
    """Link every credit note still unlinked to its invoice when that one is loaded; returns how many.

    The statement links both ways from its snapshot, which misses when a credit note and its invoice
    load at the same time on two connections (neither sees the other): a batch runs this once, after
    its loads. Set-based, on the index of `referenced_number` and the unique one of `number`.
    """
    table = Invoice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} c SET referenced_invoice_id = i.id FROM {table} i "  # noqa: S608 - model metadata
            "WHERE c.referenced_number <> '' AND c.referenced_invoice_id IS NULL "
            "AND i.number = c.referenced_number"
        )
        return int(cursor.rowcount)


def _execute(params: dict[str, Any]) -> tuple[str, list[str] | None, list[int] | None]:
    """Run the statement with server-side binding, prepared once per connection.

    With `async_commit`, the statement sets `synchronous_commit = off` for its own transaction
    (`set_config(…, true)` is SET LOCAL): the commit returns before the WAL reaches disk. Atomicity and
    consistency are unchanged; what a database crash can cost is the last fraction of a second of
    commits, i.e. a few invoices that are simply not there yet, never half of one. The import is
    idempotent (file hash, invoice number), so running the batch again loads them. That removes one
    disk flush per invoice. Inside a caller's transaction it would weaken the caller's commit too, so it
    is not used there.

    Django's cursor binds client-side: it would render the ~45 arrays and values into ~15 kB of SQL text
    per invoice, for the server to parse and plan again. Here the values travel as bound parameters (each
    array as one string, rows.array_literal, typed by its cast in the statement) and the prepared plan
    skips parsing and planning. A prepared plan follows `search_path`: PostgreSQL replans it when
    the tenant's schema changes. (A pooler in transaction mode in front of PostgreSQL would need its
    prepared-statement support enabled.)
    """
    with connection.cursor():  # connects and sets the tenant's search_path
        pass
    raw = connection.connection
    # Django opens connections with prepared statements off (`prepare_threshold=None`, which also voids
    # `prepare=True`); they are allowed for this statement only, every other query is unaffected.
    threshold, raw.prepare_threshold = raw.prepare_threshold, 0
    try:
        with connection.wrap_database_errors, psycopg.RawCursor(raw) as cursor:
            cursor.execute(INVOICE_LOAD_SQL, [params[name] for name in PARAM_NAMES], prepare=True)
            row = cursor.fetchone()
    finally:
        raw.prepare_threshold = threshold
    changes_published(connection)  # past Django's cursor: in autocommit the load is committed now
    assert row is not None  # the statement always returns its outcome row
    return row[0], row[1], row[2]


def _params(
    *,
    parsed: ParsedInvoice,
    report: ReconciliationReport,
    sha256: str,
    file_name: str,
    batch: ImportBatch,
    context: LoadContext,
) -> dict[str, Any]:
    report_json = Jsonb(report_as_json(report, parsed))
    lines, entries = line_arrays(parsed)
    customer_id, site_id = customer_site(context, parsed.customer_number or "")
    (known_keys, known_ids), new_products = product_arrays(parsed.lines, context)
    return {
        "number": parsed.number,
        "doc_type": str(parsed.doc_type),
        "doc_label": parsed.doc_label[:64],
        "invoice_date": parsed.invoice_date,
        "issued_at": parsed.invoice_datetime.replace(tzinfo=METRO_TZ),
        "store_name": parsed.store_name[:64],
        "store_code": parsed.store_code[:8],
        "customer_number": parsed.customer_number or "",
        "customer_id": customer_id,
        "site_id": site_id,
        "total_net": parsed.total_ht,
        "total_vat": parsed.total_tva,
        "total_gross": parsed.printed_total,
        "total_due": parsed.total_a_payer,
        "line_count": len(parsed.lines),
        "reconciliation_status": (
            ReconciliationStatus.RECONCILED.value if report.reconciled else ReconciliationStatus.FORCED.value
        ),
        "report": report_json,
        "referenced": parsed.referenced_invoice_number or "",
        "file_name": file_name[:255],
        "sha256": sha256,
        "batch_id": batch.pk,
        "raw_lines": Jsonb([line.raw for line in parsed.lines] + list(parsed.unparsed_lines)),
        "known_keys": known_keys,
        "known_ids": known_ids,
        **{f"np_{name}": values for (name, _), values in zip(PRODUCT_COLUMNS, new_products, strict=True)},
        **{f"l_{name}": values for (name, _), values in zip(LINE_COLUMNS, lines, strict=True)},
        **{f"mv_{n}": values for (n, _), values in zip(MOVEMENT_COLUMNS, entries, strict=True)},
    }


__all__ = [
    "LoadContext",
    "LoadResult",
    "credit_notes_link",
    "invoice_load",
    "load_context_build",
    "product_key",
]
