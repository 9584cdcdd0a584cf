"""Workers recycled by --max-requests reset no connection: clients on kept-alive connections, sending one
request after another without retrying, see every answer (gunicorn's own threaded worker resets the idle
connections of a worker that leaves, and the requests sent on them are lost)."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKER = "config.gunicorn_worker.DrainingThreadWorker"
CLIENTS, REQUESTS_EACH, MAX_REQUESTS = 6, 150, 40  # about 20 recycles


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    command = [str(Path(sys.executable).parent / "gunicorn"), "tests.support.wsgi_hello:application"]
    command += ["-b", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--worker-class", WORKER]
    command += ["--max-requests", str(MAX_REQUESTS), "--max-requests-jitter", "5", "--keep-alive", "2"]
    command += ["--graceful-timeout", "10"]
    with (tmp_path / "gunicorn.log").open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert process.poll() is None, "gunicorn exited"
                    assert time.monotonic() < deadline, "gunicorn did not start"
                    time.sleep(0.1)
            yield port
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a machine too busy to stop it in time: not this test's point
                process.kill()
                process.wait(timeout=10)


def _client(port: int, failures: list[str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(REQUESTS_EACH):
        try:
            connection.request("GET", "/")  # reconnects by itself after a Connection: close
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(str(response.status))
        except (OSError, http.client.HTTPException) as error:  # no retry: a reset is a failure
            failures.append(type(error).__name__)
            connection.close()
    connection.close()


def test_recycled_workers_reset_no_kept_alive_connection(server: int) -> None:
    failures: list[str] = []
    threads = [threading.Thread(target=_client, args=(server, failures)) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
