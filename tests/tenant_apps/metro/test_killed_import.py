"""A killed import leaves no trace once its lease runs out: the next import (or job) finishes its batch or
queues its files again, and rebuilds the product aggregates its loads left stale. The import runs in a real
`manage.py import_metro` process, SIGKILLed after its first files; everything commits for real."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tenant_apps.metro.models import BatchStatus, ImportBatch, ImportSource, Invoice, PendingFile
from tenant_apps.metro.services import batch_import, batches_recover_stale
from tenant_apps.metro.services.leases import INTERRUPTED
from tests.factories.metro import in_schema, sample_paths

ROOT = Path(__file__).resolve().parents[3]
KILL_AFTER_FILES = 2
WAIT_SECONDS = 180.0


def _import_process(tenant: Tenant, folder: Path) -> subprocess.Popen[bytes]:
    """`manage.py import_metro` on this test database, one parser and one loader, a one-second lease."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    environ = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "METRO_BATCH_LEASE_SECONDS": "1",
        "METRO_LOAD_WORKERS": "1",
    }
    if database.get("PASSWORD"):
        environ["PGPASSWORD"] = str(database["PASSWORD"])
    command = [sys.executable, "manage.py", "import_metro", "--tenant", tenant.slug, "--workers", "1"]
    return subprocess.Popen(
        [*command, str(folder)], cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _kill_mid_import(tenant: Tenant, process: subprocess.Popen[bytes]) -> ImportBatch:
    deadline = time.monotonic() + WAIT_SECONDS
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, "the import finished before it could be killed"
            with in_schema(tenant):
                batch = ImportBatch.objects.filter(
                    status=BatchStatus.RUNNING, processed_count__gte=KILL_AFTER_FILES
                ).first()
            if batch is not None:
                process.kill()
                process.wait(timeout=30)
                return batch
            time.sleep(0.05)
        raise AssertionError("the import never got going")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


@pytest.fixture
def killed(committing_tenant: Tenant) -> ImportBatch:
    files = sample_paths()
    batch = _kill_mid_import(committing_tenant, _import_process(committing_tenant, files[0].parent))
    with in_schema(committing_tenant):
        batch.refresh_from_db()
        # The traces a kill leaves: a batch running for ever, products whose totals were never computed.
        assert batch.status == BatchStatus.RUNNING
        assert batch.processed_count < len(files)
        assert Product.objects.filter(aggregates_fresh=False).exists()
    time.sleep(1.1)  # the dead process's one-second lease runs out
    return batch


def test_the_next_import_finishes_a_killed_batch_and_repairs_the_aggregates(
    committing_tenant: Tenant,
    killed: ImportBatch,
) -> None:
    with in_schema(committing_tenant):
        batch_import(files=[], source=ImportSource.CLI)
        killed.refresh_from_db()
        assert killed.status == BatchStatus.FAILED
        assert killed.finished_at is not None
        assert killed.result.get("error") == INTERRUPTED
        assert not Product.objects.filter(aggregates_fresh=False).exists()
        bought = Product.objects.filter(purchase_count__gt=0)
        assert bought.exists()
        assert all(product.total_net != 0 for product in bought)


def test_a_live_lease_is_left_alone(committing_tenant: Tenant) -> None:
    with in_schema(committing_tenant):
        batch = ImportBatch.objects.create(
            source=ImportSource.CLI,
            status=BatchStatus.RUNNING,
            started_at=timezone.now(),
            lease_expires_at=timezone.now() + timedelta(minutes=5),
        )
        assert batches_recover_stale() == 0
        batch.refresh_from_db()
        assert batch.status == BatchStatus.RUNNING


def test_a_killed_background_job_is_queued_again_and_completes(
    committing_tenant: Tenant,
) -> None:
    """A job's files wait in the database: the batch goes back to the queue and its remaining files load
    (the test settings run jobs at once, when the recovery commits)."""
    [path] = sample_paths()[:1]
    with in_schema(committing_tenant):
        started = timezone.now() - timedelta(hours=1)
        batch = ImportBatch.objects.create(
            source=ImportSource.API,
            status=BatchStatus.RUNNING,
            file_count=1,
            started_at=started,
            lease_expires_at=started + timedelta(minutes=10),
        )
        PendingFile.objects.create(batch=batch, position=0, file_name=path.name, content=path.read_bytes())
        assert batches_recover_stale() == 1
        batch.refresh_from_db()
        assert batch.status == BatchStatus.DONE
        assert batch.imported_count == 1
        assert Invoice.objects.count() == 1
        assert not PendingFile.objects.filter(batch=batch).exists()
