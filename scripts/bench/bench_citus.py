"""The product on a Citus cluster: provisioning over the workers, a load on two tenants on two workers, and
one tenant moved to the other worker while it serves requests.

    CITUS_DATABASE_URL=postgres://postgres@127.0.0.1:9700/massacorp_citus \\
        .venv/bin/python scripts/bench/bench_citus.py [--tenants 200] [--duration 15] [--threads 2]
        [--baseline-url postgres://…/massacorp_bench_citus_base] [--keep]

CITUS_DATABASE_URL names a database on the coordinator that already has the citus extension on every node
and its workers added (docs/scaling.md: "Beyond one machine: Citus"); the script migrates it, provisions
`--tenants` tenants (slugs `cb<run>t0000`…) with `tenant_create`, and prints the time per tenant and how many
landed on each worker. `--baseline-url` (a database of its own on plain PostgreSQL, recreated and dropped)
provisions the same number there in a subprocess, for the ratio. Then `gunicorn config.wsgi -w 2` on a free
loopback port (config.settings.dev, DEBUG off, no Redis: the session check reads the tenant's table on its
worker), one admin member logged in per tenant over HTTP, and `--threads` Python keep-alive clients per
tenant:

    info      GET /api/v1/info                  routing only (the tenant row, public): the baseline
    products  GET /api/v1/metro/products?per_page=50   the session check and the catalogue, on the worker
    dashboard GET /api/v1/metro/dashboard        idem, the aggregates

each on two tenants placed on two different workers at once (req/s, p50, p99 per tenant). Last, the first
tenant is loaded with `products` while `citus_schema_move` takes its schema to the other worker (the default
transfer mode: logical replication, writes blocked only for the switch-over): the move's duration, requests
served before / during / after it, every non-200, the slowest request. Tenants are deleted at the end unless
`--keep`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench.bench_provisioning import drop_database, recreate_database, setup_django  # noqa: E402

PASSWORD = "correct horse battery staple 42"  # noqa: S105 - the benchmark members' password
PREFIX = "cb"
# Deleted tenants keep their slug (a tombstone, when the audit log refers to them): each run its own slugs.
RUN = f"{PREFIX}{int(time.time()) % 100_000:05d}t"


def slug_of(n: int) -> str:
    return f"{RUN}{n:04d}"


PATHS = {
    "info": "/api/v1/info",
    "products": "/api/v1/metro/products?per_page=50",
    "dashboard": "/api/v1/metro/dashboard",
}


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


# --- provisioning ------------------------------------------------------------------------------------------


# Seconds spent in statements that call citus_schema_distribute, and in all statements, during provisioning.
_spent = {"distribute": 0.0, "sql": 0.0}


def _timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        elapsed = time.perf_counter() - started
        _spent["sql"] += elapsed
        if "citus_schema_distribute" in sql:
            _spent["distribute"] += elapsed


def provision(count: int) -> list[float]:
    from django.db import connection

    from shared_apps.tenants.services import tenant_create
    from shared_apps.tenants.template import ensure_template_current

    ensure_template_current()
    times = []
    with connection.execute_wrapper(_timed):
        for n in range(count):
            slug = slug_of(n)
            started = time.perf_counter()
            tenant_create(slug=slug, name=f"Citus bench {n}", domain=f"{slug}.localhost")
            times.append(time.perf_counter() - started)
    return times


def summary(times: list[float]) -> str:
    return (
        f"median {statistics.median(times) * 1000:.0f} ms, p90 {percentile(times, 0.9) * 1000:.0f} ms, "
        f"total {sum(times):.1f} s"
    )


# From a sharded schema to the nodes that hold its tables (one, for a colocated group of single-shard tables).
_PLACEMENTS = (
    "JOIN pg_dist_partition p ON p.colocationid = s.colocationid "
    "JOIN pg_dist_shard sh ON sh.logicalrelid = p.logicalrelid "
    "JOIN pg_dist_placement pl ON pl.shardid = sh.shardid JOIN pg_dist_node n ON n.groupid = pl.groupid"
)


def schemas_per_worker() -> dict[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nodeport, count(DISTINCT s.schemaid) FROM pg_dist_schema s "  # noqa: S608 - constant SQL
            f"{_PLACEMENTS} "
            "WHERE s.schemaid::regnamespace::text LIKE %s GROUP BY 1 ORDER BY 1",
            [f"{RUN}%"],
        )
        return {int(port): int(count) for port, count in cursor.fetchall()}


def worker_of(schema: str) -> tuple[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nodename, n.nodeport FROM pg_dist_schema s "  # noqa: S608 - constant SQL
            f"{_PLACEMENTS} "
            "WHERE s.schemaid = %s::regnamespace LIMIT 1",
            [schema],
        )
        name, port = cursor.fetchone()
        return str(name), int(port)


def workers() -> list[tuple[str, int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0 ORDER BY nodeport")
        return [(str(name), int(port)) for name, port in cursor.fetchall()]


# --- HTTP --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def gunicorn(url: str, workdir: Path) -> Iterator[int]:
    port = free_port()
    environ = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "false"}
    environ.update({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    environ.pop("REDIS_URL", None)
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
    ]
    log = (workdir / "gunicorn.log").open("w")
    server = subprocess.Popen(command, env=environ, cwd=ROOT, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while request(port, "localhost", "/health")[0] != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield port
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def request(port: int, host: str, path: str, body: Any = None, token: str = "") -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Host": host, "Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        connection.request("POST" if body else "GET", path, json.dumps(body) if body else None, headers)
        response = connection.getresponse()
        payload = response.read()
        return response.status, json.loads(payload) if payload.startswith(b"{") else payload
    except OSError:
        return 0, b""
    finally:
        connection.close()


def admin_token(port: int, slug: str) -> str:
    from django.test.utils import override_settings

    from shared_apps.accounts.services import member_create
    from shared_apps.tenants.models import Tenant

    # The user outlives the run (the audit log protects it): a new address each run.
    email = f"admin-{int(time.time())}@{slug}.citus-bench.example"
    with override_settings(HIBP_ENABLED=False):  # set-up only: no breach lookup over the network
        member_create(tenant=Tenant.objects.get(slug=slug), email=email, password=PASSWORD, is_admin=True)
    status, body = request(
        port, f"{slug}.localhost", "/api/v1/auth/login", {"email": email, "password": PASSWORD}
    )
    if status != 200:
        raise SystemExit(f"login at {slug} failed: {status} {body!r}")
    return str(body["access_token"])


@dataclass
class Client:
    """One keep-alive client thread: (finished at, seconds, status) of every request until stopped."""

    port: int
    host: str
    path: str
    token: str
    stop: threading.Event
    samples: list[tuple[float, float, int]] = field(default_factory=list)

    def run(self) -> None:
        headers = {"Host": self.host, "Authorization": f"Bearer {self.token}"}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                connection.request("GET", self.path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            finished = time.perf_counter()
            self.samples.append((finished, finished - started, status))
        connection.close()


def run_clients(clients: list[Client], seconds: float, during: Any = None) -> Any:
    threads = [threading.Thread(target=client.run) for client in clients]
    for thread in threads:
        thread.start()
    if during is None:
        time.sleep(seconds)
    result = during() if during else None
    for client in clients:
        client.stop.set()
    for thread in threads:
        thread.join()
    return result


def describe(samples: list[tuple[float, float, int]], seconds: float) -> str:
    latencies = [latency for _, latency, _ in samples]
    bad = sum(1 for _, _, status in samples if status != 200)
    return (
        f"{len(samples) / seconds:7.1f} req/s  p50 {percentile(latencies, 0.5) * 1000:6.1f} ms  "
        f"p99 {percentile(latencies, 0.99) * 1000:6.1f} ms  non-200 {bad}"
    )


# --- phases ------------------------------------------------------------------------------------------------


def two_tenant_load(port: int, tenants: list[tuple[str, str]], threads: int, seconds: float) -> None:
    print(f"\nload: {threads} clients per tenant, {seconds:.0f} s per path, both tenants at once")
    for name, path in PATHS.items():
        per_tenant = {
            slug: [Client(port, f"{slug}.localhost", path, token, threading.Event()) for _ in range(threads)]
            for slug, token in tenants
        }
        for slug, token in tenants:  # each gunicorn worker's first requests import views, open connections
            for _ in range(10):
                request(port, f"{slug}.localhost", path, token=token)
        run_clients([client for clients in per_tenant.values() for client in clients], seconds)
        for slug, clients in per_tenant.items():
            samples = [sample for client in clients for sample in client.samples]
            print(f"  {name:9} {slug} ({worker_of(slug)[1]}): {describe(samples, seconds)}")
        print(f"  load average {load_average()}")


def move_under_load(port: int, slug: str, token: str, threads: int, settle: float) -> None:
    import psycopg
    from django.db import connection

    source = worker_of(slug)
    target = next(node for node in workers() if node != source)
    print(f"\nmove: {slug} from worker {source[1]} to {target[1]} while {threads} clients read its products")
    params = connection.settings_dict
    clients = [
        Client(port, f"{slug}.localhost", PATHS["products"], token, threading.Event()) for _ in range(threads)
    ]

    def move() -> tuple[float, float]:
        time.sleep(settle)
        with psycopg.connect(
            dbname=params["NAME"],
            host=params["HOST"],
            port=params["PORT"],
            user=params["USER"],
            autocommit=True,
        ) as raw:
            started = time.perf_counter()
            raw.execute("SELECT citus_schema_move(%s::regnamespace, %s, %s)", [slug, target[0], target[1]])
            finished = time.perf_counter()
        time.sleep(settle)
        return started, finished

    started, finished = run_clients(clients, 0, during=move)
    samples = sorted(sample for client in clients for sample in client.samples)
    windows: dict[str, list[tuple[float, float, int]]] = {"before": [], "during": [], "after": []}
    for sample in samples:
        end, start = sample[0], sample[0] - sample[1]
        windows["before" if end < started else "after" if start > finished else "during"].append(sample)
    print(f"  citus_schema_move: {finished - started:.2f} s; now on worker {worker_of(slug)[1]}")
    spans = {"before": settle, "during": finished - started, "after": settle}
    for name, window in windows.items():
        print(f"  {name:6} {describe(window, max(spans[name], 1e-3))}")
    slowest = max(samples, key=lambda sample: sample[1])
    print(
        f"  slowest request {slowest[1] * 1000:.0f} ms; requests in all {len(samples)}; load {load_average()}"
    )


def cleanup() -> None:
    from shared_apps.tenants.models import Tenant
    from shared_apps.tenants.services import tenant_delete

    for tenant in Tenant.objects.filter(slug__startswith=PREFIX, deleted_at__isnull=True):
        tenant_delete(slug=tenant.slug)


def baseline(url: str, count: int) -> list[float]:
    recreate_database(url)
    try:
        command = [sys.executable, __file__, "--provision-only", "--tenants", str(count)]
        environ = {**os.environ, "CITUS_DATABASE_URL": url}
        output = subprocess.run(command, env=environ, check=True, capture_output=True, text=True).stdout
        return [float(value) for value in json.loads(output.splitlines()[-1])]
    finally:
        drop_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tenants", type=int, default=200)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per load path")
    parser.add_argument("--threads", type=int, default=2, help="client threads per tenant")
    parser.add_argument("--baseline-url", default="", help="a scratch database on plain PostgreSQL")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--provision-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = os.environ.get("CITUS_DATABASE_URL")
    if not url:
        raise SystemExit("CITUS_DATABASE_URL is not set")
    setup_django(url, "config.settings.dev")
    from django.core.management import call_command

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    if args.provision_only:
        print(json.dumps(provision(args.tenants)))
        return

    from shared_apps.tenants.citus import citus_active

    if not citus_active():
        raise SystemExit("CITUS_DATABASE_URL is not a Citus coordinator (no citus extension)")
    print(f"load average {load_average()}")
    cleanup()
    times = provision(args.tenants)
    print(f"provisioning {args.tenants} tenants on Citus: {summary(times)}")
    print(f"  schemas per worker port: {schemas_per_worker()}")
    print(
        f"  of which citus_schema_distribute {_spent['distribute'] / len(times) * 1000:.0f} ms per tenant, "
        f"all SQL {_spent['sql'] / len(times) * 1000:.0f} ms per tenant"
    )
    if args.baseline_url:
        plain = baseline(args.baseline_url, args.tenants)
        ratio = statistics.median(times) / statistics.median(plain)
        print(f"  same on plain PostgreSQL: {summary(plain)}; Citus/plain median {ratio:.1f}x")
    print(f"load average {load_average()}")
    first = slug_of(0)
    other = next(slug_of(n) for n in range(1, args.tenants) if worker_of(slug_of(n)) != worker_of(first))
    try:
        with tempfile.TemporaryDirectory() as workdir, gunicorn(url, Path(workdir)) as port:
            tenants = [(slug, admin_token(port, slug)) for slug in (first, other)]
            two_tenant_load(port, tenants, args.threads, args.duration)
            move_under_load(port, first, tenants[0][1], args.threads, settle=args.duration / 3)
    finally:
        if not args.keep:
            cleanup()


if __name__ == "__main__":
    main()
