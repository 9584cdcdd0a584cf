"""A redis-server of the test's own, on a free loopback port, for what must not touch a shared server (a
FLUSHDB, a restart): `private_redis_server(directory)` yields its base URL (`redis://127.0.0.1:PORT/`, add the
database number); `private_redis(directory)` yields a handle that can also kill it and start it again. Skips
the test, with the reason, when no redis-server binary is installed. `unreachable_redis(settings)` cuts the
application off from it for a while."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

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


class PrivateRedis:
    """A private redis-server that a test may kill and start again, empty, on the same port."""

    def __init__(self, binary: str, directory: Path) -> None:
        self.binary, self.directory = binary, directory
        self.port = _free_port()
        self.base = f"redis://127.0.0.1:{self.port}/"
        self.url = f"{self.base}0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly"]
        self.process = subprocess.Popen(
            [*command, "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + START_SECONDS
        while not _answers(f"{self.base}0"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                code = self.process.poll()
                raise RuntimeError(f"redis-server did not start on port {self.port} (exit code {code})")
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no save; what it held is gone."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=START_SECONDS)
            self.process = None

    def key_count(self) -> int:
        client = redis.Redis.from_url(self.url, socket_timeout=1, socket_connect_timeout=1)
        return int(cast(int, client.dbsize()))

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=START_SECONDS)
            self.process = None


@contextmanager
def private_redis(directory: Path) -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("no redis-server binary: this test needs a Redis server of its own")
    server = PrivateRedis(binary, directory)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@contextmanager
def private_redis_server(directory: Path) -> Iterator[str]:
    with private_redis(directory) as server:
        yield server.base


@contextmanager
def unreachable_redis(settings: Any) -> Iterator[None]:
    """Point REDIS_URL at a port that accepts connections and never answers (a partition: what is sent
    there is lost, unlike with a paused server, which runs it on resuming); restore it on exit."""
    saved = settings.REDIS_URL
    with socket.socket() as blackhole:
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(64)  # connections wait in the backlog: connect succeeds, reads time out
        settings.REDIS_URL = f"redis://127.0.0.1:{blackhole.getsockname()[1]}/0"
        try:
            yield
        finally:
            settings.REDIS_URL = saved
