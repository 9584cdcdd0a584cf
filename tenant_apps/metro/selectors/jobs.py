"""Import batches (jobs) as their status endpoint shows them."""

from __future__ import annotations

from uuid import UUID

from ..models import ImportBatch


def batch_get(*, batch_id: UUID) -> ImportBatch | None:
    return ImportBatch.objects.filter(pk=batch_id).first()
