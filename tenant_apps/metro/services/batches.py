"""Import files into the current tenant: one file (`invoice_import_file`) or a batch (`batch_import`).

A batch parses on every core (metro_etl.parse_many) and loads on `METRO_LOAD_WORKERS` connections at once
(services.parallel; on the caller's one alone inside an atomic block), one transaction per invoice, so a
crash loses at most the invoices in flight and a re-run completes the batch: files already loaded are
recognised by their SHA-256 (or their invoice number) and skipped as duplicates. A bad file, or an invoice
whose load fails, becomes a per-file error in the result, never a failure of the batch. Outcomes,
progress and counters are kept in input order, by the calling thread. After the loads: the credit-note
links concurrent loads missed, then the aggregates, once.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils import timezone

from metro_etl import (
    MetroParseError,
    ParsedInvoice,
    UnreadableFileError,
    parse_invoice,
    parse_many,
    reconcile,
)
from shared_apps.core.sandbox import Budget
from tenant_apps.stock.valuation import stock_valuation_refresh

from ..models import BatchStatus, DocumentStatus, ImportBatch, ImportSource, Invoice, StagedDocument
from . import loading, parallel
from .aggregates import aggregates_refresh, loads_running
from .leases import batch_lease_renew, batches_recover_stale, lease_until
from .outcomes import DUPLICATE, ERROR, FROM_LOAD, IMPORTED, UNRECONCILED, BatchResult, FileOutcome
from .parallel import ConnectionThreads
from .price_alerts import price_alerts_detect

ParseResult = ParsedInvoice | MetroParseError
# Parses the files of a chunk at the given indexes (their bytes by index): the result by index.
_Parse = Callable[[Sequence["SourceFile"], list[int], dict[int, bytes]], dict[int, ParseResult]]
PARSE_CHUNK = 64
LOAD_FAILED = "load_failed"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceFile:
    """A file to import: a path on disk (CLI) or bytes received (API)."""

    name: str
    path: Path | None = None
    data: bytes | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.path is not None
        try:
            return self.path.read_bytes()
        except OSError as error:
            raise UnreadableFileError(
                f"cannot read the file ({error.strerror})", filename=self.name
            ) from error


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _error(*, name: str, sha256: str | None, batch: ImportBatch, error: MetroParseError) -> FileOutcome:
    return _error_outcome(name=name, sha256=sha256, batch=batch, code=error.code, message=error.message)


def _error_outcome(
    *, name: str, sha256: str | None, batch: ImportBatch, code: str, message: str
) -> FileOutcome:
    """A per-file error, staged (when the file was read) so that a re-run tries the file again."""
    if sha256 is not None:
        StagedDocument.objects.update_or_create(
            sha256=sha256,
            defaults={
                "batch": batch,
                "file_name": name[:255],
                "status": DocumentStatus.ERROR,
                "error_code": code,
                "error_message": message[:500],
                "invoice": None,
            },
        )
    return FileOutcome(file=name, status=ERROR, code=code, message=message)


def _known(staged: StagedDocument | None, *, name: str, force: bool) -> FileOutcome | None:
    """The outcome of a file seen before, without reading it again; None when it must be (re)processed."""
    if staged is None:
        return None
    if staged.status in (DocumentStatus.LOADED, DocumentStatus.DUPLICATE):
        return FileOutcome(file=name, status=DUPLICATE, number=staged.invoice_number)
    if staged.status == DocumentStatus.UNRECONCILED and not force:
        gaps = staged.reconciliation.get("gaps", []) if isinstance(staged.reconciliation, dict) else []
        reasons = tuple(f"{g['what']}: expected {g['expected']}, got {g['actual']}" for g in gaps)
        return FileOutcome(file=name, status=UNRECONCILED, number=staged.invoice_number, reasons=reasons)
    return None  # an error, or an unreconciled document now forced: try again


def invoice_import_file(
    *,
    path_or_bytes: Path | bytes,
    filename: str,
    batch: ImportBatch,
    force: bool = False,
    parsed: ParsedInvoice | MetroParseError | None = None,
    context: loading.LoadContext | None = None,
) -> FileOutcome:
    """Import one file into the current tenant; a bad file is an outcome, never an exception."""
    source = (
        SourceFile(filename, data=path_or_bytes)
        if isinstance(path_or_bytes, bytes)
        else (SourceFile(filename, path=path_or_bytes))
    )
    try:
        data = source.read()
    except MetroParseError as error:
        return _error(name=filename, sha256=None, batch=batch, error=error)
    sha256 = _sha256(data)
    known = _known(StagedDocument.objects.filter(sha256=sha256).first(), name=filename, force=force)
    if known is not None:
        return known
    return _parse_and_load(
        name=filename,
        data=data,
        sha256=sha256,
        batch=batch,
        force=force,
        parsed=parsed,
        context=context or loading.load_context_build(),
    )


def _parse_and_load(
    *,
    name: str,
    data: bytes,
    sha256: str,
    batch: ImportBatch,
    force: bool,
    parsed: ParsedInvoice | MetroParseError | None,
    context: loading.LoadContext,
) -> FileOutcome:
    if parsed is None:
        try:
            parsed = parse_invoice(data, filename=name)
        except MetroParseError as error:
            parsed = error
    if isinstance(parsed, MetroParseError):
        return _error(name=name, sha256=sha256, batch=batch, error=parsed)
    report = reconcile(parsed)
    kwargs = {"parsed": parsed, "report": report, "sha256": sha256, "file_name": name, "batch": batch}
    try:
        result = loading.invoice_load(**kwargs, context=context, force=force)  # type: ignore[arg-type]
    except IntegrityError:
        # A concurrent import stored the same invoice (or file) first: this one is a duplicate.
        if not Invoice.objects.filter(number=parsed.number).exists():
            raise
        result = loading.LoadResult(DocumentStatus.DUPLICATE, parsed.number)
    return FileOutcome(
        file=name,
        status=FROM_LOAD[DocumentStatus(result.status)],
        number=result.invoice_number,
        line_count=result.nb_lines,
        reasons=result.reasons,
    )


def _load_one(
    *,
    name: str,
    data: bytes,
    sha256: str,
    batch: ImportBatch,
    force: bool,
    parsed: ParsedInvoice | MetroParseError,
    context: loading.LoadContext,
) -> FileOutcome:
    """Load one parsed file; an exception of its load is this file's error, and the others go on."""
    try:
        return _parse_and_load(
            name=name, data=data, sha256=sha256, batch=batch, force=force, parsed=parsed, context=context
        )
    except Exception:
        # The details (SQL, values) go to the log, not into the answer; the invoice's transaction was
        # rolled back whole, so importing the file again is safe.
        logger.exception("METRO load of %s failed", name)
        return _error_outcome(
            name=name,
            sha256=sha256,
            batch=batch,
            code=LOAD_FAILED,
            message="loading this invoice failed; import the file again",
        )


def batch_create(*, source: str, user_id: UUID | None, file_count: int, force: bool = False) -> ImportBatch:
    return ImportBatch.objects.create(
        source=source, created_by_id=user_id, file_count=file_count, force=force, status=BatchStatus.PENDING
    )


def batch_import(
    *,
    files: Sequence[SourceFile],
    source: str = ImportSource.CLI,
    user_id: UUID | None = None,
    force: bool = False,
    workers: int | None = None,
    batch: ImportBatch | None = None,
    on_file: Callable[[SourceFile, FileOutcome], None] | None = None,
    load_workers: int | None = None,
    parse_budget: Budget | None = None,
) -> BatchResult:
    """Import `files` into the current tenant (see the module docstring); returns every file's outcome.

    `workers`: parser processes (default: every core); `load_workers`: loader connections (default:
    the setting METRO_LOAD_WORKERS; always 1 inside an atomic block, see services.parallel).
    `parse_budget`: files from outside (uploads) parse each in a sandboxed process within this budget.
    """
    started = time.monotonic()
    batches_recover_stale()  # what a killed import left behind (services.leases)
    batch = batch or batch_create(source=source, user_id=user_id, file_count=len(files), force=force)
    batch.status, batch.started_at = BatchStatus.RUNNING, batch.started_at or timezone.now()
    batch.lease_expires_at = lease_until()
    batch.save(update_fields=["status", "started_at", "lease_expires_at"])
    result = BatchResult(batch_id=batch.pk)
    try:
        _load_all(
            files,
            batch,
            result,
            force=force,
            parse=partial(_parse, workers=workers, budget=parse_budget),
            load_workers=load_workers,
            on_file=on_file,
        )
        # Every thread has finished (the pool is closed): links and aggregates see all the loads.
        loading.credit_notes_link()
        price_alerts_detect()
        result.products_refreshed = aggregates_refresh()
        stock_valuation_refresh()
    except BaseException:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED, finished_at=timezone.now(), lease_expires_at=None
        )
        raise
    result.duration_ms = int((time.monotonic() - started) * 1000)
    batch.status, batch.finished_at, batch.lease_expires_at = BatchStatus.DONE, timezone.now(), None
    batch.product_count, batch.result = result.products_refreshed, result.as_json()
    batch.save(update_fields=["status", "finished_at", "lease_expires_at", "product_count", "result"])
    return result


def _load_all(
    files: Sequence[SourceFile],
    batch: ImportBatch,
    result: BatchResult,
    *,
    force: bool,
    parse: _Parse,
    load_workers: int | None,
    on_file: Callable[[SourceFile, FileOutcome], None] | None,
) -> None:
    """Every file, chunk by chunk, on the loader connections; outcomes and progress in input order."""
    context = loading.load_context_build()
    threads = parallel.load_workers(load_workers)
    # The caller's connection holds the loading lock too (it loads when there is no pool), released
    # before the batch's refresh asks for it exclusively.
    with loads_running(), ConnectionThreads(threads) if threads > 1 else nullcontext() as pool:
        for start in range(0, len(files), PARSE_CHUNK):
            batch_lease_renew(batch=batch)
            chunk = files[start : start + PARSE_CHUNK]
            for item, outcome in _chunk_import(chunk, batch, force, parse, context, pool):
                result.outcomes.append(outcome)
                _progress_save(batch, outcome)
                if on_file is not None:
                    on_file(item, outcome)


def _chunk_import(
    chunk: Sequence[SourceFile],
    batch: ImportBatch,
    force: bool,
    parse: _Parse,
    context: loading.LoadContext,
    pool: ConnectionThreads | None,
) -> Iterable[tuple[SourceFile, FileOutcome]]:
    """Read and hash a chunk, skip what is known, parse the rest on every core, then load: on the pool's
    connections when there is one (yielding in input order as the loads finish), else one by one."""
    data, hashes, outcomes = _read_and_skip_known(chunk, batch, force)
    todo = [index for index in hashes if index not in outcomes]
    parsed = parse(chunk, todo, data)
    loads = {
        index: partial(
            _load_one,
            name=chunk[index].name,
            data=data[index],
            sha256=hashes[index],
            batch=batch,
            force=force,
            parsed=parsed[index],
            context=context,
        )
        for index in todo
    }
    futures: dict[int, Future[FileOutcome]] = {}
    if pool is not None:
        futures = {index: pool.submit(load) for index, load in loads.items()}
    for index, item in enumerate(chunk):
        if index not in outcomes:
            outcomes[index] = futures[index].result() if index in futures else loads[index]()
        yield item, outcomes[index]


def _read_and_skip_known(
    chunk: Sequence[SourceFile], batch: ImportBatch, force: bool
) -> tuple[dict[int, bytes], dict[int, str], dict[int, FileOutcome]]:
    """Each file's bytes and hash by index, and the outcomes already known: unreadable, or seen before."""
    data: dict[int, bytes] = {}
    hashes: dict[int, str] = {}
    outcomes: dict[int, FileOutcome] = {}
    for index, item in enumerate(chunk):
        try:
            data[index] = item.read()
            hashes[index] = _sha256(data[index])
        except MetroParseError as error:
            outcomes[index] = _error(name=item.name, sha256=None, batch=batch, error=error)
    staged = {s.sha256: s for s in StagedDocument.objects.filter(sha256__in=set(hashes.values()))}
    first_index: dict[str, int] = {}
    for index, sha256 in hashes.items():
        known = _known(staged.get(sha256), name=chunk[index].name, force=force)
        if known is None and sha256 in first_index:
            known = FileOutcome(file=chunk[index].name, status=DUPLICATE)  # the same file twice in a batch
        if known is not None:
            outcomes[index] = known
        first_index.setdefault(sha256, index)
    return data, hashes, outcomes


def _parse(
    chunk: Sequence[SourceFile],
    todo: list[int],
    data: dict[int, bytes],
    *,
    workers: int | None,
    budget: Budget | None,
) -> dict[int, ParseResult]:
    if budget is not None:
        uploads = [(chunk[index].name, data[index]) for index in todo]
        return dict(zip(todo, parallel.files_parse_sandboxed(uploads, budget=budget), strict=True))
    if workers != 1 and len(todo) > 1:
        # Files on disk go by path, uploads and queued files by content: either way on every core.
        sources = [chunk[index].path or (chunk[index].name, data[index]) for index in todo]
        return dict(zip(todo, parse_many(sources, workers), strict=True))
    results: dict[int, ParseResult] = {}
    for index in todo:
        try:
            results[index] = parse_invoice(data[index], filename=chunk[index].name)
        except MetroParseError as error:
            results[index] = error
    return results


def _progress_save(batch: ImportBatch, outcome: FileOutcome) -> None:
    batch.processed_count += 1
    counters = {IMPORTED: "imported_count", DUPLICATE: "duplicate_count", UNRECONCILED: "unreconciled_count"}
    attribute = counters.get(outcome.status, "error_count")
    setattr(batch, attribute, getattr(batch, attribute) + 1)
    if outcome.status == IMPORTED:
        batch.line_count += outcome.line_count
    batch.lease_expires_at = lease_until()
    with transaction.atomic():
        batch.save(update_fields=["processed_count", attribute, "line_count", "lease_expires_at"])
