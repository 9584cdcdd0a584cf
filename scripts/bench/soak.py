"""Soak: a mix of endpoints at 70 % of the measured maximum for N minutes; errors and worker memory.

    .venv/bin/python scripts/bench/soak.py [--minutes 10] [--probe-seconds 15] [--clients 8] [--share 0.7]
        [--no-recycle]

Starts gunicorn on loopback with the production flags of docker/entrypoint.sh (its draining worker class,
2 workers x 4 threads, --timeout 60, --max-requests 10000 with jitter; config.settings.dev with DEBUG off,
LOG_LEVEL=WARNING, the benchmark's own database massacorp_bench_soak and Redis keys under `benchsoak:`),
logs one member in, then:

1. probe: --clients threads, each on a keep-alive connection, send the mix as fast as they can for
   --probe-seconds: the maximum throughput (req/s);
2. soak: the same threads paced to --share of that maximum, for --minutes.

The mix, in this proportion: GET /api/v1/info (no authentication) 4, GET /api/v1/auth/me (Bearer) 4,
GET /api/v1/metro/products (Bearer, a tenant query) 2. A login is no part of it (Argon2 would be the whole
measure). It prints errors (any answer but 200, or no answer; goal 0), the sum of the workers' RSS at the
start and the end of the soak and its change (goal: within 10 %), worker restarts by --max-requests
(their new processes start small, which lowers the end figure: --no-recycle keeps the same workers, to see
growth), reconnects (a GET that finds its kept-alive connection closed is sent again once and counted:
gunicorn's own worker reset those of a recycled worker, the entrypoint's DrainingThreadWorker should not),
achieved rate and latency percentiles, and the load average at start and end. The load generator runs on
the same machine: on 2 cores the maximum is the server's and the generator's together.
"""

from __future__ import annotations

import argparse
import http.client as httpclient
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench.bench_provisioning import database_url, drop_database, percentile  # noqa: E402
from scripts.bench.bench_routing import TENANT_HOST, configure, prepare_database  # noqa: E402
from scripts.bench.load_auth import PASSWORD, create_members, email, free_port, http  # noqa: E402

DEFAULT_DATABASE = "massacorp_bench_soak"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
KEY_PREFIX = "benchsoak:"
MIX = (("/api/v1/info", False), ("/api/v1/auth/me", True), ("/api/v1/metro/products", True))
WEIGHTS = (4, 4, 2)


@dataclass
class Tally:
    ok: int = 0
    errors: int = 0
    reconnects: int = 0  # a kept-alive connection closed by the server before our request: sent again once
    statuses: dict[str, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reconnected(self) -> None:
        with self.lock:
            self.reconnects += 1

    def add(self, status: str, seconds: float) -> None:
        with self.lock:
            if status == "200":
                self.ok += 1
            else:
                self.errors += 1
                self.statuses[status] = self.statuses.get(status, 0) + 1
            self.latencies.append(seconds)


@contextmanager
def gunicorn(
    url: str, redis_url: str, workdir: Path, *, recycle: bool, key_prefix: str = KEY_PREFIX
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        "REDIS_KEY_PREFIX": key_prefix,
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "-b",
        f"127.0.0.1:{port}",
    ]
    command += ["--workers", "2", "--threads", "4", "--timeout", "60", "--graceful-timeout", "30"]
    command += ["--worker-class", "config.gunicorn_worker.DrainingThreadWorker"]
    if recycle:
        command += ["--max-requests", "10000", "--max-requests-jitter", "1000"]
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(command, env=environ, cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if http(port, "/api/v1/info")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield port, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def workers(master: int) -> dict[int, int]:
    """The master's children and their RSS in KiB."""
    found: dict[int, int] = {}
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in map(int, children):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                found[pid] = int(line.split()[1])
    return found


def client_loop(port: int, token: str, stop_at: float, interval: float, tally: Tally, offset: int) -> None:
    """Send the mix until `stop_at`, one request every `interval` seconds (0: as fast as possible)."""
    plan = [entry for entry, weight in zip(MIX, WEIGHTS, strict=True) for _ in range(weight)]
    requests = itertools.islice(itertools.cycle(plan), offset, None)
    connection = httpclient.HTTPConnection("127.0.0.1", port, timeout=30)
    next_at = time.monotonic()
    for path, authenticated in requests:
        now = time.monotonic()
        if now >= stop_at:
            break
        if interval and now < next_at:
            time.sleep(next_at - now)
        next_at += interval
        headers = {"Host": TENANT_HOST, "Accept": "application/json"}
        if authenticated:
            headers["Authorization"] = f"Bearer {token}"
        started = time.monotonic()
        status, connection = send(connection, port, path, headers, tally)
        tally.add(status, time.monotonic() - started)
    connection.close()


def _once(connection: httpclient.HTTPConnection, path: str, headers: dict[str, str]) -> str:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    response.read()
    return str(response.status)


def send(
    connection: httpclient.HTTPConnection, port: int, path: str, headers: dict[str, str], tally: Tally
) -> tuple[str, httpclient.HTTPConnection]:
    """One GET; the status, or the error's name. A worker recycled by --max-requests closes its idle
    kept-alive connections: a GET that finds its connection closed that way is sent once more on a new
    one (what browsers and proxies do for an idempotent request), and counted as a reconnect."""
    try:
        return _once(connection, path, headers), connection
    except (httpclient.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
        tally.reconnected()
    except (OSError, httpclient.HTTPException) as error:
        connection.close()
        return type(error).__name__, httpclient.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.close()
    connection = httpclient.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        return _once(connection, path, headers), connection
    except (OSError, httpclient.HTTPException) as error:
        connection.close()
        return type(error).__name__, httpclient.HTTPConnection("127.0.0.1", port, timeout=30)


def run(port: int, token: str, clients: int, seconds: float, rate: float) -> tuple[Tally, float]:
    tally = Tally()
    interval = clients / rate if rate else 0.0
    stop_at = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client_loop, args=(port, token, stop_at, interval, tally, n))
        for n in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


def summary(name: str, tally: Tally, elapsed: float) -> float:
    total = tally.ok + tally.errors
    rate = total / elapsed if elapsed else 0.0
    ms = [value * 1000 for value in tally.latencies] or [0.0]
    print(
        f"{name}: {total} requests in {elapsed:.0f} s = {rate:.0f} req/s; errors {tally.errors} "
        f"(reconnects after a closed keep-alive connection: {tally.reconnects}) "
        f"{json.dumps(tally.statuses) if tally.statuses else ''}; latency ms p50 {percentile(ms, 0.5):.1f} "
        f"p99 {percentile(ms, 0.99):.1f} max {max(ms):.1f}"
    )
    return rate


def soak(args: argparse.Namespace, port: int, server: subprocess.Popen[bytes]) -> None:
    status, body = http(port, "/api/v1/auth/login", {"email": email(0), "password": PASSWORD})
    if status != 200:
        raise SystemExit(f"login failed: {status} {body!r}")
    token = body["access_token"]
    for path, _ in MIX:
        status, body = http(port, path, token=token)
        if status != 200:
            raise SystemExit(f"{path} answered {status} {body!r}")
    run(port, token, args.clients, 3, 0)  # warm: imports, connections, caches
    tally, elapsed = run(port, token, args.clients, args.probe_seconds, 0)
    maximum = summary("probe (as fast as possible)", tally, elapsed)
    target = maximum * args.share
    before = workers(server.pid)
    print(f"soak: {args.minutes} min at {target:.0f} req/s ({args.share:.0%} of the maximum)")
    print(f"worker RSS at start: {sum(before.values()) / 1024:.1f} MiB ({len(before)} workers)")
    tally, elapsed = run(port, token, args.clients, args.minutes * 60, target)
    summary("soak", tally, elapsed)
    after = workers(server.pid)
    change = (sum(after.values()) - sum(before.values())) / max(sum(before.values()), 1)
    restarted = len(set(after) - set(before))
    verdict = "flat" if abs(change) <= 0.10 else "NOT flat"
    print(
        f"worker RSS at end: {sum(after.values()) / 1024:.1f} MiB; change {change:+.1%} ({verdict}, goal "
        f"within 10 %); workers restarted by --max-requests: {restarted}"
    )
    print(f"errors: {tally.errors} (goal 0)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--probe-seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--share", type=float, default=0.7, help="share of the maximum to hold")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument(
        "--no-recycle",
        action="store_true",
        help="no --max-requests: the same workers throughout (memory growth)",
    )
    args = parser.parse_args()
    started = time.monotonic()
    print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    url = database_url(args.database)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    workdir = Path(tempfile.mkdtemp(prefix="soak_"))
    try:
        prepare_database(url)
        configure(url, "config.settings.dev")
        create_members(1)
        from django.db import connections

        connections.close_all()
        with gunicorn(url, redis_url, workdir, recycle=not args.no_recycle) as (port, server):
            soak(args, port, server)
    finally:
        drop_database(url)
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{KEY_PREFIX}*", count=1000))
        if keys:
            client.delete(*keys)
    print(f"load average at end {os.getloadavg()[0]:.2f}; total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
