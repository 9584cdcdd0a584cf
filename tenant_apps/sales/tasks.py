"""Background tasks (django-tasks). Each task names its tenant's schema and runs inside it."""

from __future__ import annotations

from uuid import UUID

from django_tasks import task
from django_tenants.utils import schema_context

from .services.files import sales_import_process


@task()
def sales_import_job(*, schema_name: str, import_id: str) -> dict[str, object]:
    with schema_context(schema_name):
        result = sales_import_process(import_id=UUID(import_id))
    if result is None:
        return {"import_id": import_id, "skipped": True}
    return {"import_id": import_id, "nb_commandes_importees": result.imported}
