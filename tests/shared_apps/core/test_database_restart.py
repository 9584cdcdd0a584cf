"""A real PostgreSQL restart under a live gunicorn: while the cluster is down every request that needs it
answers 503 with Retry-After (never another 5xx) and is logged with its request id; once the cluster is back,
requests succeed again from the same running server (persistent connections, as in production).

The cluster is the test's own (a copy of the test database); gunicorn runs the application against it. A
thread sends requests without a pause through the stop and the start, so the states in between (shutting
down, starting up) are met too. Two kinds of request reach the database: a routing lookup (a host never seen
before) and a view's query (a password-reset token check on a known tenant). Bounded: about 20 s."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import TENANT_A
from tests.support.postgres_server import PrivatePostgres, private_postgres

pytestmark = [
    pytest.mark.django_db,
    # The private cluster is plain PostgreSQL: a Citus coordinator's database does not restore there.
    pytest.mark.skipif(
        bool(os.environ.get("CITUS_DATABASE_URL")), reason="copies the database into a plain cluster"
    ),
]

ROOT = Path(__file__).resolve().parents[3]
SERVER_START_SECONDS = 40.0
OUTAGE_SECONDS = 2.0
RECOVERY_SECONDS = 15.0


@dataclass(frozen=True)
class Answer:
    kind: str
    status: int
    retry_after: str | None
    request_id: str | None
    error: str | None


def _send(port: int, kind: str) -> Answer:
    if kind == "routing":  # a host no request used before: the tenant lookup must ask the database
        host, path = f"new-{uuid.uuid4().hex[:12]}.testserver", "/api/v1/info"
    else:
        host, path = TENANT_A["domain"], f"/api/v1/password-reset/validate/{uuid.uuid4().hex}"
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        client.request("GET", path, headers={"Host": host, "Accept": "application/json"})
        response = client.getresponse()
        body = response.read()
    finally:
        client.close()
    error = json.loads(body).get("error") if response.status >= 400 else None
    headers = response.getheader("Retry-After"), response.getheader("X-Request-ID")
    return Answer(kind, response.status, *headers, error)


def _wait_for_server(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        try:
            if _send(port, "view").status == 200:
                return
        except OSError:
            pass
        assert process.poll() is None, "gunicorn exited"
        assert time.monotonic() < deadline, "gunicorn did not answer in time"
        time.sleep(0.2)


@pytest.fixture
def database() -> Iterator[tuple[PrivatePostgres, str]]:
    source = connection.settings_dict
    source_url = f"postgres://{source['USER']}@{source['HOST']}:{source['PORT']}/{source['NAME']}"
    with private_postgres() as cluster:
        yield cluster, cluster.copy_database(source_url, "massacorp")


@pytest.fixture
def live_server_on(database: tuple[PrivatePostgres, str], tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """gunicorn on a free port against the private cluster; yields (port, log file), which is complete
    once the fixture's body has run (the server is stopped first)."""
    _, url = database
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": url,
        "ALLOWED_HOSTS": ".testserver",
        "LOG_LEVEL": "INFO",
        "REDIS_URL": settings.REDIS_URL,
        "REDIS_KEY_PREFIX": f"{settings.REDIS_KEY_PREFIX}live:",
        "TENANT_ROUTING_CHECK_SECONDS": "0",
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    command = [gunicorn, "config.wsgi:application", "-b", f"127.0.0.1:{port}", "--workers", "1"]
    command += ["--threads", "4", "--timeout", "30"]
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=environ, cwd=ROOT, stdout=log, stderr=log)
        try:
            _wait_for_server(port, process)
            yield port, log_path
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _request_log(path: Path) -> dict[str, int]:
    """request id → status, from the JSON request lines."""
    logged: dict[str, int] = {}
    for line in path.read_text().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("logger") == "massacorp.request":
                logged[record["request_id"]] = record["status"]
    return logged


class Traffic:
    """Requests of both kinds, one after the other without a pause, until stopped."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.answers: list[Answer] = []
        self.failures: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self._stop.is_set():
            for kind in ("routing", "view"):
                try:
                    self.answers.append(_send(self.port, kind))
                except (OSError, http.client.HTTPException) as error:  # no answer at all: a failure too
                    self.failures.append(repr(error))

    def __enter__(self) -> Traffic:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


SUCCESS = {"routing": 404, "view": 200}  # an unknown tenant is a 404 when the database can say so


def test_a_database_restart_gives_logged_503s_then_the_same_server_recovers(
    database: tuple[PrivatePostgres, str], live_server_on: tuple[int, Path]
) -> None:
    cluster, _ = database
    port, log_path = live_server_on
    before = [_send(port, kind) for kind in ("routing", "view", "routing", "view")]
    assert [a.status for a in before] == [404, 200, 404, 200]

    with Traffic(port) as traffic:
        cluster.stop()
        down = [_send(port, kind) for kind in ("routing", "view") * 3]
        time.sleep(OUTAGE_SECONDS)
        cluster.start()
        recovered_at = None
        deadline = time.monotonic() + RECOVERY_SECONDS
        while recovered_at is None and time.monotonic() < deadline:
            if all(_send(port, kind).status == SUCCESS[kind] for kind in ("routing", "view")):
                recovered_at = time.monotonic()
    after = [_send(port, kind) for kind in ("routing", "view") * 3]

    assert recovered_at is not None, "the server did not recover without a restart"
    assert [a.status for a in down] == [503] * 6, down
    assert [a.status for a in after] == [SUCCESS[a.kind] for a in after], after
    answers = before + down + traffic.answers + after
    assert not traffic.failures, traffic.failures
    assert {a.status for a in answers} <= {200, 404, 503}, sorted({a.status for a in answers})
    unavailable = [a for a in answers if a.status == 503]
    assert len(unavailable) >= len(down)
    assert all(a.error == "SERVICE_UNAVAILABLE" for a in unavailable)
    assert all(a.retry_after and int(a.retry_after) > 0 for a in unavailable)

    time.sleep(0.5)  # the last lines reach the file
    logged = _request_log(log_path)
    missing = [a for a in answers if logged.get(a.request_id or "") != a.status]
    assert not missing, f"{len(missing)} of {len(answers)} not logged with their status: {missing[:3]}"
