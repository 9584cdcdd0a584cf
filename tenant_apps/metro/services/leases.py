"""Leases on running METRO batches: what a killed import leaves behind is cleaned up by the next one.

A process running a batch holds its lease (`ImportBatch.lease_expires_at`) and renews it after each file
and before each chunk is parsed. A batch still `running` past its lease was left by a process that died
(SIGKILL, out of memory, a restarted container). `batches_recover_stale` — run by every import and every
background job before its own work — then finishes it: a batch whose files wait in `PendingFile` rows (a
background job) goes back to `pending` and is queued again, so its remaining files are imported; a batch
whose files were only on the dead process's disk (the command line) is marked `failed` as interrupted. The
invoices it loaded stay (each one committed whole), and the product aggregates its loads left stale are
rebuilt at once, with no manual `recalculate`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, cast

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import BatchStatus, ImportBatch, PendingFile
from .aggregates import aggregates_refresh

logger = logging.getLogger(__name__)

INTERRUPTED = "interrupted"


def lease_until(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(seconds=int(settings.METRO_BATCH_LEASE_SECONDS))


def batch_lease_renew(*, batch: ImportBatch) -> None:
    batch.lease_expires_at = lease_until()
    ImportBatch.objects.filter(pk=batch.pk).update(lease_expires_at=batch.lease_expires_at)


def _stale(now: datetime) -> Q:
    # A batch started before leases existed has none: stale once it is older than one.
    unleased = Q(lease_expires_at__isnull=True, started_at__lt=now - (lease_until(now) - now))
    return Q(status=BatchStatus.RUNNING) & (Q(lease_expires_at__lt=now) | unleased)


def _recover(*, batch_id: Any, now: datetime) -> bool:
    """Finish or requeue one stale batch, unless another process got to it first; whether it did."""
    from ..tasks import metro_import_job  # the task module imports the services

    with transaction.atomic():
        batch = (
            ImportBatch.objects.select_for_update(skip_locked=True).filter(_stale(now), pk=batch_id).first()
        )
        if batch is None:
            return False
        if PendingFile.objects.filter(batch=batch).exists():
            batch.status, batch.lease_expires_at = BatchStatus.PENDING, None
            batch.save(update_fields=["status", "lease_expires_at"])
            schema_name, job_batch = str(cast(Any, connection).schema_name), str(batch.pk)
            transaction.on_commit(
                lambda: metro_import_job.enqueue(schema_name=schema_name, batch_id=job_batch)
            )
            logger.warning("METRO batch %s was left running by a dead process: queued again", batch.pk)
            return True
        batch.status, batch.finished_at, batch.lease_expires_at = BatchStatus.FAILED, now, None
        batch.result = {**(batch.result or {}), "error": INTERRUPTED}
        batch.save(update_fields=["status", "finished_at", "lease_expires_at", "result"])
        logger.warning("METRO batch %s was left running by a dead process: marked failed", batch.pk)
        return True


def batches_recover_stale(*, now: datetime | None = None) -> int:
    """Finish or requeue every batch of the current tenant whose lease ran out; how many. Then rebuild the
    aggregates their loads left stale (skipped while another import loads: that one rebuilds them)."""
    now = now or timezone.now()
    stale = ImportBatch.objects.filter(_stale(now))
    recovered = sum(_recover(batch_id=pk, now=now) for pk in stale.values_list("pk", flat=True))
    if recovered:
        aggregates_refresh()
    return recovered
