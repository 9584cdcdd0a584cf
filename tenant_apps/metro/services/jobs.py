"""Large imports run in the background: the upload is stored, a task carrying the tenant does the work.

The files wait in `PendingFile` rows of the tenant's schema (never on a shared disk); the task
(tenant_apps.metro.tasks) runs `batch_process` under that tenant's schema. Each file's row is deleted once
it is processed, so a worker that dies mid-batch leaves exactly the files still to do, and running the job
again finishes them (those already loaded would be recognised as duplicates anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast
from uuid import UUID

from django.db import connection, transaction

from ..models import BatchStatus, ImportBatch, ImportSource, PendingFile
from .batches import SourceFile, batch_create, batch_import
from .outcomes import BatchResult, FileOutcome


@transaction.atomic
def batch_enqueue(
    *, files: Sequence[tuple[str, bytes]], user_id: UUID | None, force: bool = False
) -> ImportBatch:
    """Store the files and schedule the import once this transaction commits."""
    from ..tasks import metro_import_job  # the task module imports this one

    batch = batch_create(source=ImportSource.API, user_id=user_id, file_count=len(files), force=force)
    PendingFile.objects.bulk_create(
        PendingFile(batch=batch, position=position, file_name=name[:255], content=data)
        for position, (name, data) in enumerate(files)
    )
    schema_name = str(cast(Any, connection).schema_name)
    batch_id = str(batch.pk)
    transaction.on_commit(lambda: metro_import_job.enqueue(schema_name=schema_name, batch_id=batch_id))
    return batch


def batch_process(*, batch_id: UUID) -> BatchResult | None:
    """Run a stored batch in the current schema; None when there is nothing (left) to do."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status == BatchStatus.DONE:
        return None
    pending = list(PendingFile.objects.filter(batch=batch).order_by("position"))
    files = [SourceFile(p.file_name, data=bytes(p.content)) for p in pending]
    ids = {id(source): p.pk for source, p in zip(files, pending, strict=True)}

    def processed(source: SourceFile, outcome: FileOutcome) -> None:
        PendingFile.objects.filter(pk=ids[id(source)]).delete()

    # Parsed on every core (the files' content goes to the worker processes), loaded one by one.
    return batch_import(files=files, force=batch.force, batch=batch, on_file=processed)
