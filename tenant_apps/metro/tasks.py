"""Background tasks (django-tasks). Each task names its tenant's schema and runs inside it, in a request
context of its own (what it audits or logs carries the job's name and id, not a request's)."""

from __future__ import annotations

from uuid import UUID

from django_tasks import task
from django_tenants.utils import schema_context

from shared_apps.core.context import job_context

from .services.jobs import batch_process


@task()
def metro_import_job(*, schema_name: str, batch_id: str) -> dict[str, object]:
    with job_context("metro_import_job"), schema_context(schema_name):
        result = batch_process(batch_id=UUID(batch_id))
    if result is None:
        return {"batch_id": batch_id, "skipped": True}
    return {"batch_id": batch_id, "nb_factures_importees": result.count("imported")}
