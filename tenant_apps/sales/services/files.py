"""From files to a loaded export: parse (a clear per-file error, nothing written), then load; and jobs.

A large upload is parsed in the request (so that a bad file is refused at once) and then stored for a
background job (django-tasks) that names its tenant's schema, parses it again and loads it; the stored
files are deleted when the job ends. The job can be run again: the orders already loaded are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from shared_apps.core.exceptions import ValidationFailed
from shared_apps.core.sandbox import CRASHED, Budget, Exceeded, sandbox_map
from sumup_etl import (
    Export,
    InternalParseError,
    Limits,
    Source,
    SumupParseError,
    TooComplexError,
    export_order_count,
    read_export,
)

from ..models import ImportSource, ImportStatus, PendingUpload, SalesImport
from .imports import ImportResult, export_load, sales_import_create
from .zones import current_time_zone


class ExportRejected(ValidationFailed):
    """The files are not a loadable SumUp export; `details` names the file, line and column at fault.
    A 400 like any domain refusal: 422 is kept for a body or query that fails its serializer."""


def limits() -> Limits:
    return Limits(max_archive_bytes=settings.SALES_IMPORT_MAX_FILE_BYTES)


def parse_budget() -> Budget:
    """The budget of one export's sandboxed read (settings SALES_PARSE_*)."""
    wall_seconds = float(settings.SALES_PARSE_WALL_SECONDS)
    return Budget(
        cpu_seconds=int(settings.SALES_PARSE_CPU_SECONDS),
        memory_bytes=int(settings.SALES_PARSE_MEMORY_MB) * 1024 * 1024,
        wall_seconds=wall_seconds,
        total_seconds=wall_seconds,
    )


def export_read(*, sources: Sequence[Source]) -> Export:
    """The parsed export, or ExportRejected naming the file at fault. The export is first read in a
    sandboxed child within `parse_budget()`: a hostile one (millions of rows, a slow one) is refused there
    as `too_complex`; one that fits is read again here, where the same bytes cost the same."""
    outcome = sandbox_map(export_order_count, [(tuple(sources), limits())], budget=parse_budget())[0]
    try:
        if isinstance(outcome, Exceeded):
            names = ", ".join(_source_name(source) for source in sources)
            reason = "the process reading it died" if outcome.reason == CRASHED else outcome.reason
            raise TooComplexError(f"the export exceeds its reading budget ({reason})", filename=names)
        if isinstance(outcome, SumupParseError):
            raise outcome
        if isinstance(outcome, Exception):
            raise InternalParseError(f"unexpected {type(outcome).__name__}: {outcome}") from outcome
        return read_export(sources, limits=limits())
    except SumupParseError as error:
        raise ExportRejected(
            f"{error.filename}: {error.message}" if error.filename else error.message,
            code=error.code,
            details=error.as_dict(),
        ) from error


def _source_name(source: Source) -> str:
    return source[0] if isinstance(source, tuple) else Path(source).name


def sales_import_files(
    *,
    sources: Sequence[Source],
    source: ImportSource,
    user_id: UUID | None = None,
    force: bool = False,
    export: Export | None = None,
    on_start: Callable[[int], None] | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> ImportResult:
    """Parse (unless given the parsed export) and load into the current tenant."""
    export = export or export_read(sources=sources)
    if on_start is not None:
        on_start(len(export.orders))
    sales_import = sales_import_create(source=source, user_id=user_id, force=force)
    return export_load(
        export=export, sales_import=sales_import, time_zone=current_time_zone(), force=force,
        on_chunk=on_chunk,
    )  # fmt: skip


def sales_import_upload(
    *, files: Sequence[tuple[str, bytes]], user_id: UUID | None, force: bool
) -> ImportResult | SalesImport:
    """Uploaded files: parsed now (a bad file is refused, nothing written), then loaded at once, or stored
    for a background job (the `SalesImport` returned) when the export has too many orders for a request."""
    export = export_read(sources=files)
    if len(export.orders) > settings.SALES_IMPORT_SYNC_MAX_ORDERS:
        return sales_import_enqueue(files=files, user_id=user_id, force=force, order_count=len(export.orders))
    return sales_import_files(
        sources=files, source=ImportSource.API, user_id=user_id, force=force, export=export
    )


@transaction.atomic
def sales_import_enqueue(
    *, files: Sequence[tuple[str, bytes]], user_id: UUID | None, force: bool, order_count: int
) -> SalesImport:
    """Store the files and schedule their import once this transaction commits."""
    from ..tasks import sales_import_job  # the task module imports this one

    sales_import = sales_import_create(
        source=ImportSource.API, user_id=user_id, force=force, order_count=order_count
    )
    PendingUpload.objects.bulk_create(
        PendingUpload(sales_import=sales_import, position=position, file_name=name[:255], content=data)
        for position, (name, data) in enumerate(files)
    )
    schema_name = str(cast(Any, connection).schema_name)
    import_id = str(sales_import.pk)
    transaction.on_commit(lambda: sales_import_job.enqueue(schema_name=schema_name, import_id=import_id))
    return sales_import


def sales_import_process(*, import_id: UUID) -> ImportResult | None:
    """Run a stored import in the current schema; None when there is nothing (left) to do."""
    sales_import = SalesImport.objects.filter(pk=import_id).first()
    if sales_import is None or sales_import.status == ImportStatus.DONE:
        return None
    pending = list(PendingUpload.objects.filter(sales_import=sales_import))
    try:
        export = export_read(sources=[(p.file_name, bytes(p.content)) for p in pending])
        result = export_load(
            export=export, sales_import=sales_import, time_zone=current_time_zone(), force=sales_import.force
        )
    except ValidationFailed as error:  # not an export, or a till establishment with no site yet
        SalesImport.objects.filter(pk=sales_import.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(), result={"erreurs": [error.details]}
        )
        return None
    PendingUpload.objects.filter(sales_import=sales_import).delete()
    return result
