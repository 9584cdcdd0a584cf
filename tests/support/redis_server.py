"""A redis-server of the test's own, on a free loopback port, for what must not touch a shared server (a
FLUSHDB, a restart): `private_redis_server(directory)` yields its base URL (`redis://127.0.0.1:PORT/`, add the
database number). Skips the test, with the reason, when no redis-server binary is installed."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

START_SECONDS = 5.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.2, socket_timeout=0.2).ping())
    except redis.RedisError:
        return False


@contextmanager
def private_redis_server(directory: Path) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server binary: this test needs a Redis server of its own")
    port = _free_port()
    base = f"redis://127.0.0.1:{port}/"
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        [*command, "--dir", str(directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + START_SECONDS
        while not _answers(f"{base}0"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {port} (exit code {process.poll()})")
            time.sleep(0.02)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=START_SECONDS)
