"""Import batches (jobs) as their status endpoint shows them."""

from __future__ import annotations

from uuid import UUID

from ..models import ImportBatch


def batch_get(*, batch_id: UUID) -> ImportBatch | None:
    return ImportBatch.objects.filter(pk=batch_id).first()


def batch_status(*, batch: ImportBatch) -> dict[str, object]:
    progress = round(100 * batch.nb_processed / batch.nb_files) if batch.nb_files else 100
    return {
        "job_id": str(batch.pk),
        "status": batch.status,
        "nb_fichiers": batch.nb_files,
        "nb_traites": batch.nb_processed,
        "progression_pct": min(progress, 100),
        "nb_factures_importees": batch.nb_imported,
        "nb_lignes_importees": batch.nb_lines,
        "nb_doublons": batch.nb_duplicates,
        "nb_non_rapprochees": batch.nb_unreconciled,
        "nb_erreurs": batch.nb_errors,
        "created_at": batch.created_at,
        "started_at": batch.started_at,
        "finished_at": batch.finished_at,
        "result": batch.result or None,
    }
