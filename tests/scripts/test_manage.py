"""scripts/manage.sh runs manage.py from a new shell: it loads the virtualenv and the services' environment
itself, wherever it is called from."""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from shared_apps.tenants.models import Tenant
from tests.scripts.conftest import SCRIPTS, bare_environment


def _test_database_url() -> str:
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{quote(db['NAME'])}"


def manage(*args: str, cwd: Path, **environ: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPTS / "manage.sh", *args],
        cwd=cwd,
        env=bare_environment(cwd, **environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db
def test_a_command_runs_from_a_new_shell_in_another_directory(tenant_a: Tenant, tmp_path: Path) -> None:
    environ = {"DATABASE_URL": _test_database_url(), "REDIS_URL": settings.REDIS_URL}
    done = manage("list_tenants", cwd=tmp_path, **environ)
    assert done.returncode == 0, done.stderr
    slugs = {line.split("\t")[0] for line in done.stdout.splitlines()}
    assert {"alpha", "beta"} <= slugs
    assert "services: PostgreSQL: using DATABASE_URL from the environment" in done.stderr


def test_without_a_command_it_says_how_to_use_it(tmp_path: Path) -> None:
    done = manage(cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("Usage: scripts/manage.sh COMMAND")
