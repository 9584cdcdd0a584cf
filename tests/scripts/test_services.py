"""A new shell finds the private PostgreSQL cluster that services.sh starts (no DATABASE_URL needed), and
`scripts/services.sh --stop` stops it again, keeping its data."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scripts.conftest import SCRIPTS, bare_environment
from tests.scripts.test_manage import manage

PRINT_DATABASE = (
    "from django.db import connection; cursor = connection.cursor(); "
    "cursor.execute('SELECT current_database()'); "
    "print(connection.settings_dict['PORT'], cursor.fetchone()[0])"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _accepts(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def state_dir() -> Iterator[Path]:
    # Not under tmp_path: run as root, the cluster belongs to the postgres user, who must reach its directory.
    base = Path(tempfile.mkdtemp(prefix="massacorp-services-"))
    base.chmod(0o755)
    yield base / "state"
    shutil.rmtree(base, ignore_errors=True)


def services(*args: str, home: Path, environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPTS / "services.sh", *args],
        env=bare_environment(home, **environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_finds_the_private_cluster_and_stop_stops_it(state_dir: Path, tmp_path: Path) -> None:
    port = _free_port()
    environ = {
        "MASSACORP_STATE_DIR": str(state_dir),
        "MASSACORP_PG_PORT": str(port),
        "MASSACORP_REDIS_PORT": str(_free_port()),
        "MASSACORP_DB_NAME": "massacorp_ops_check",
        "REDIS_URL": os.environ.get("REDIS_URL", ""),
    }
    try:
        done = manage("shell", "-c", PRINT_DATABASE, cwd=tmp_path, **environ)
        if "started a private PostgreSQL cluster" not in done.stderr:
            pytest.skip(f"no PostgreSQL binaries for a private cluster here: {done.stderr.strip()[-300:]}")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1].split() == [str(port), "massacorp_ops_check"]
        stopped = services("--stop", home=tmp_path, environ=environ)
        assert stopped.returncode == 0, stopped.stderr
        assert "stopped the private PostgreSQL cluster" in stopped.stderr
        assert not _accepts(port)
        assert (state_dir / "pg" / "PG_VERSION").exists()  # stopped, not deleted
        again = services("--stop", home=tmp_path, environ=environ)
        assert again.returncode == 0, again.stderr
        assert "no private PostgreSQL cluster runs" in again.stderr
    finally:
        services("--stop", home=tmp_path, environ=environ)
