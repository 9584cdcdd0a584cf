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
from typing import cast

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


class PrivateRedis:
    """A private server that a test can kill (SIGKILL, no persistence: its data is gone) and start again
    on the same port: `start()`, `kill()`, `start()`."""

    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        arguments = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(
            [self.binary, *arguments], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + START_SECONDS
        while not _answers(self.url):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=START_SECONDS)
            self.process = None

    def key_count(self) -> int:
        client = redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1)
        return int(cast(int, client.dbsize()))


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server binary: this test needs a Redis server of its own")
    server = PrivateRedis(binary)
    server.start()
    try:
        yield server
    finally:
        server.kill()
