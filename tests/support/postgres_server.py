"""A PostgreSQL cluster of the test's own (initdb + pg_ctl from the local binaries, on a free loopback port),
for a fault that must not touch the shared server: `private_postgres()` yields a handle that can stop the
cluster and start it again with its data, and copy a database into it. Found and run as scripts/services.sh
does (PATH, else the newest /usr/lib/postgresql/*/bin; as the postgres user when root). Skips the test, with
the reason, when no binaries are installed. Every wait is bounded."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

START_SECONDS = 30
COPY_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bindir() -> Path | None:
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True
    )
    return next((d for d in versions if (d / "initdb").exists() and (d / "pg_ctl").exists()), None)


class PrivatePostgres:
    """A private cluster on 127.0.0.1:`port`, trust authentication for the user postgres."""

    def __init__(self, bindir: Path, directory: Path) -> None:
        self.bindir, self.datadir = bindir, directory / "data"
        self.port = _free_port()
        self._as_postgres = os.getuid() == 0  # initdb and pg_ctl refuse to run as root

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _server_command(self, *args: str, timeout: float = START_SECONDS) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(
            command, check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def init(self) -> None:
        self._server_command(
            "initdb", "-D", str(self.datadir), "-U", "postgres", "-A", "trust", "--no-locale"
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.datadir / "server.log")
        datadir = str(self.datadir)
        self._server_command("pg_ctl", "-D", datadir, "-l", log, "-w", "-t", "25", "-o", options, "start")

    def stop(self) -> None:
        """Fast shutdown: open connections are cut, as in a restart or failover."""
        self._server_command("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "-t", "25", "stop")

    def running(self) -> bool:
        return (self.datadir / "postmaster.pid").exists()

    def _client(self, name: str) -> str:
        """A client program of the same version where there is one (the server binaries may be linked
        alone onto PATH)."""
        beside = self.bindir / name
        return str(beside) if beside.exists() else shutil.which(name) or name

    def copy_database(self, source_url: str, name: str) -> str:
        """A copy of the database at `source_url` (schemas and data) as `name` here; its URL."""
        with psycopg.connect(self.url("postgres"), autocommit=True, connect_timeout=5) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        dump = subprocess.run(
            [self._client("pg_dump"), "-Fc", "--no-owner", "-d", source_url],
            check=True,
            timeout=COPY_SECONDS,
            capture_output=True,
        )
        subprocess.run(
            [self._client("pg_restore"), "--no-owner", "-d", self.url(name)],
            input=dump.stdout,
            check=True,
            timeout=COPY_SECONDS,
            capture_output=True,
        )
        return self.url(name)


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    bindir = _bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): this test needs a cluster of its own")
    # Not pytest's tmp_path: as root, the postgres user must be able to reach the data directory.
    directory = Path(tempfile.mkdtemp(prefix="massacorp-pg-"))
    directory.chmod(0o755)
    server = PrivatePostgres(bindir, directory)
    try:
        if server._as_postgres:
            os.chown(directory, pwd.getpwnam("postgres").pw_uid, -1)
        server.init()
        server.start()
        yield server
    finally:
        if server.running():
            server._server_command("pg_ctl", "-D", str(server.datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(directory, ignore_errors=True)
