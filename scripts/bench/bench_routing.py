"""Routing benchmark: latency of a trivial tenant-scoped JSON view against the same view without tenancy.

    .venv/bin/python scripts/bench/bench_routing.py [--requests 5000] [--profile] [--cross-check]
        [--tenants 1000]

How, and why this way: two Django settings modules cannot live in one process, but the issue asks for one
process and one run. So every case is a WSGI handler built from ONE settings module (config.settings.dev
with DEBUG off), each with its own middleware chain, called directly with a prepared WSGI environ (no server,
no sockets: only Django's own work is timed, the same way for every case):

    plain        the MIDDLEWARE list minus our TenantRoutingMiddleware, URLconf scripts.bench.plain_urls
                 (same URL shape, a DRF APIView answering the same small dict); the handler sets
                 request.urlconf itself, as our middleware does, so both resolve through the same code path
    ours-host    the full stack, Host: bench.localhost -> tenant "bench" (/api/v1/info, TenantInfoApi)
    ours-header  the full stack, Host: localhost (a shared API host) + X-Tenant-ID: bench
    stock        django-tenants' TenantMainMiddleware in our middleware's place, Host: bench.localhost

A warm-up, then the requests of every case interleaved in rounds (the order rotating each round) so that
drift (CPU frequency, other load) hits all cases alike. The per-request log line is off (to a console it
would time the console; the level check that skips it stays); the routing cache keeps its real TTL. The
benchmark creates and drops its own database (massacorp_bench_routing on DATABASE_URL's server), one tenant.

--tenants N: then N more tenants (bench_provisioning.py's bulk fill) and a throughput comparison in the same
process: requests to one tenant's host against requests spread round-robin over the N tenants' hosts (and
over their slugs in X-Tenant-ID on the shared host), interleaved in rounds after a warm-up pass over every
tenant; the routing cache's generation check runs as in production (TENANT_ROUTING_CHECK_SECONDS).

--profile: cProfile of ours-host and plain, and the own time of the tenancy code per request.
--cross-check: the same comparison again with the baseline in a genuinely plain Django process
(scripts/bench/plain_settings.py: Django's own PostgreSQL backend, no django-tenants or tenant apps, hence
none of their middleware either), the two cases in alternating subprocesses; across processes the figures
are noisier, so it only backs up the first.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import logging
import os
import pstats
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench.bench_provisioning import (  # noqa: E402 - needs ROOT on sys.path
    database_url,
    drop_database,
    fill,
    percentile,
    recreate_database,
)

DEFAULT_DATABASE = "massacorp_bench_routing"
TENANT_HOST = "bench.localhost"
SHARED_HOST = "localhost"
PATH = "/api/v1/info"
TARGET_RATIO = 1.25
TARGET_SPREAD_RATIO = 0.9
ROUTING = "shared_apps.tenants.middleware.TenantRoutingMiddleware"
STOCK_ROUTING = "django_tenants.middleware.main.TenantMainMiddleware"
PLAIN_URLCONF = "scripts.bench.plain_urls"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def configure(url: str, settings_module: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("REDIS_URL", None)
    import django

    # WhiteNoise warns once when collectstatic has not run; the API view serves no static file.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    # The per-request log line is the same work in every case; to a console it would time the console.
    logging.getLogger("massacorp.request").setLevel(logging.WARNING)


def prepare_database(url: str) -> None:
    """Public schema, template and the one tenant, in the benchmark's own database."""
    recreate_database(url)
    environ = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate_schemas", "--shared", "-v", "0"],
        ["create_tenant", "--slug", "bench", "--name", "Bench Bistro", "--domain", TENANT_HOST],
    ):
        subprocess.run(manage + command, env=environ, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)


# --- handlers and requests ---------------------------------------------------------------------------------


def build_handlers() -> dict[str, tuple[WsgiApp, dict[str, Any]]]:
    from django.conf import settings
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings

    class PlainHandler(WSGIHandler):
        def get_response(self, request: Any) -> Any:
            request.urlconf = PLAIN_URLCONF
            return super().get_response(request)

    full = list(settings.MIDDLEWARE)
    assert full[0] == ROUTING, "our routing middleware is expected first"
    # load_middleware() reads MIDDLEWARE once, when the handler is built.
    with override_settings(MIDDLEWARE=full[1:]):
        plain = PlainHandler()
    with override_settings(MIDDLEWARE=[STOCK_ROUTING, *full[1:]]):
        stock = WSGIHandler()
    ours = WSGIHandler()
    return {
        "plain": (plain, environ(TENANT_HOST)),
        "ours-host": (ours, environ(TENANT_HOST)),
        "ours-header": (ours, environ(SHARED_HOST, HTTP_X_TENANT_ID="bench")),
        "stock": (stock, environ(TENANT_HOST)),
    }


def environ(host: str, **extra: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": PATH,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": host,
        "HTTP_ACCEPT": "application/json",
        "HTTP_ACCEPT_ENCODING": "gzip, deflate",
        "HTTP_USER_AGENT": "bench_routing",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **extra,
    }


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[..., None]:
    _start_response.status = status  # type: ignore[attr-defined]
    return lambda data: None


def request_once(app: WsgiApp, base: dict[str, Any]) -> tuple[int, bytes]:
    """One request as a WSGI server makes it: call, read the body, close (request_finished fires)."""
    env = dict(base)
    env["wsgi.input"] = io.BytesIO(b"")
    started = time.perf_counter_ns()
    response = app(env, _start_response)
    body = b"".join(response)
    response.close()  # type: ignore[attr-defined]
    return time.perf_counter_ns() - started, body


def check(name: str, app: WsgiApp, base: dict[str, Any]) -> None:
    """Fail loudly unless a case answers the tenant view's 200: a timed error page would mean nothing."""
    _elapsed, body = request_once(app, base)
    status = _start_response.status  # type: ignore[attr-defined]
    if not status.startswith("200") or json.loads(body).get("tenant", {}).get("slug") != "bench":
        raise SystemExit(f"{name}: expected 200 with tenant bench, got {status} {body[:200]!r}")


def run(cases: dict[str, tuple[WsgiApp, dict[str, Any]]], requests: int, batch: int) -> dict[str, list[int]]:
    for name, (app, base) in cases.items():
        check(name, app, base)
        for _ in range(min(500, requests)):
            request_once(app, base)
    times: dict[str, list[int]] = {name: [] for name in cases}
    names = list(cases)
    for round_no in range((requests + batch - 1) // batch):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            app, base = cases[name]
            gc.collect()
            times[name].extend(request_once(app, base)[0] for _ in range(batch))
    return times


# --- reports -----------------------------------------------------------------------------------------------


def report(times: dict[str, list[int]], baseline: str = "plain") -> None:
    base_median = statistics.median(times[baseline])
    base_p99 = percentile([float(t) for t in times[baseline]], 0.99)
    print(f"\n{'case':<14} {'n':>6} {'median':>10} {'p99':>10} {'x median':>9} {'x p99':>7}")
    for name, values in times.items():
        median = statistics.median(values)
        p99 = percentile([float(t) for t in values], 0.99)
        print(
            f"{name:<14} {len(values):>6} {median / 1000:>8.0f}us {p99 / 1000:>8.0f}us "
            f"{median / base_median:>9.2f} {p99 / base_p99:>7.2f}"
        )
    ratio = statistics.median(times["ours-host"]) / base_median
    verdict = "met" if ratio <= TARGET_RATIO else "MISSED"
    print(f"target: ours-host median <= {TARGET_RATIO}x plain -> {verdict} ({ratio:.2f}x)")


def profile(cases: dict[str, tuple[WsgiApp, dict[str, Any]]], requests: int = 3000) -> None:
    """What the tenancy code itself costs per request in ours-host, under cProfile (which inflates it all).

    A function-by-function difference against plain drowns in noise on a busy machine; the own time of the
    tenancy modules (our routing, django-tenants' backend) is what routing adds, read directly.
    """
    names = ("ours-host", "plain")
    profilers = {name: cProfile.Profile() for name in names}
    for round_no in range(requests // 250):  # interleaved, like the timing
        for name in names if round_no % 2 == 0 else names[::-1]:
            app, base = cases[name]
            profilers[name].enable()
            for _ in range(250):
                request_once(app, base)
            profilers[name].disable()
    requests = requests // 250 * 250
    stats = {name: pstats.Stats(profiler).stats for name, profiler in profilers.items()}  # type: ignore[attr-defined]
    totals = {name: sum(value[2] for value in stat.values()) / requests * 1e6 for name, stat in stats.items()}
    tenancy = sorted(
        (
            (value[2] / requests * 1e6, value[3] / requests * 1e6, key)
            for key, value in stats["ours-host"].items()
            if "shared_apps/tenants/" in key[0] or "django_tenants/" in key[0]
        ),
        reverse=True,
    )
    ours, plain = totals["ours-host"], totals["plain"]
    print(f"\nunder cProfile: ours-host {ours:.0f} us, plain {plain:.0f} us per request")
    print("tenancy code in ours-host, own / cumulative us per request:")
    for own, cumulative, (filename, line, function) in tenancy[:8]:
        short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
        print(f"  {own:6.1f} {cumulative:8.1f}  {short}:{line}({function})")
    print(f"  {sum(own for own, _c, _k in tenancy):6.1f} us own time in tenancy code per request, in all")


# --- many tenants ------------------------------------------------------------------------------------------


def spread_cases(count: int) -> dict[str, list[dict[str, Any]]]:
    slugs = [f"fill{i:05d}" for i in range(count)]
    return {
        "one tenant": [environ(f"{slugs[0]}.bench.localhost")],
        f"{count} hosts": [environ(f"{slug}.bench.localhost") for slug in slugs],
        f"{count} slugs": [environ(SHARED_HOST, HTTP_X_TENANT_ID=slug) for slug in slugs],
    }


def run_spread(
    app: WsgiApp, cases: dict[str, list[dict[str, Any]]], requests: int, batch: int
) -> tuple[dict[str, list[int]], float]:
    """Latencies per case, round-robin over each case's environs; and the cold pass over every tenant."""
    cold_started = time.perf_counter()
    for name, bases in cases.items():
        for base in bases:  # every tenant once: misses, then the cache holds them all
            _elapsed, body = request_once(app, base)
            status = _start_response.status  # type: ignore[attr-defined]
            if not status.startswith("200"):
                raise SystemExit(f"{name}: expected 200, got {status} {body[:200]!r}")
    cold = time.perf_counter() - cold_started
    times: dict[str, list[int]] = {name: [] for name in cases}
    position = dict.fromkeys(cases, 0)
    names = list(cases)
    for round_no in range((requests + batch - 1) // batch):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            bases = cases[name]
            gc.collect()
            for _ in range(batch):
                times[name].append(request_once(app, bases[position[name] % len(bases)])[0])
                position[name] += 1
    return times, cold


def catalogue_memory(count: int) -> None:
    """What a PostgreSQL backend keeps per tenant schema it has queried: on a fresh connection, every table
    of `count` schemas read once (LIMIT 0: planning opens each table and its indexes), and the backend's
    memory contexts before and after. The routing recycling policy (TENANT_CONNECTION_MAX_SCHEMAS) is
    sized from this figure."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'fill00000' AND c.relkind IN ('r', 'p', 'v')"
            ).fetchall()
        ]
        memory = "SELECT sum(total_bytes) FROM pg_backend_memory_contexts"
        before = int(conn.execute(memory).fetchone()[0])  # type: ignore[index]
        for i in range(count):
            for table in tables:
                conn.execute(f'SELECT * FROM "fill{i:05d}"."{table}" LIMIT 0')  # noqa: S608 - catalogue names
        after = int(conn.execute(memory).fetchone()[0])  # type: ignore[index]
    per = (after - before) / count / 1024
    print(
        f"backend memory: {before / 2**20:.1f} MiB fresh, {after / 2**20:.1f} MiB after reading the "
        f"{len(tables)} tables of {count} tenant schemas: {per:.0f} KiB per schema"
    )


def report_spread(times: dict[str, list[int]], cold: float, tenants: int) -> None:
    from shared_apps.tenants.routing import cache_sizes

    rates = {name: len(values) / (sum(values) / 1e9) for name, values in times.items()}
    base = rates["one tenant"]
    base_median = statistics.median(times["one tenant"])
    print(
        f"\n{'routing to':<14} {'n':>6} {'req/s':>8} {'median':>9} {'p99':>9} {'x req/s':>8} {'x median':>9}"
    )
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:<14} {len(values):>6} {rates[name]:>8.0f} {median / 1000:>7.0f}us "
            f"{percentile([float(v) for v in values], 0.99) / 1000:>7.0f}us {rates[name] / base:>8.2f} "
            f"{base_median / median:>9.2f}"
        )
    worst = min(rate / base for name, rate in rates.items() if name != "one tenant")
    verdict = "met" if worst >= TARGET_SPREAD_RATIO else "MISSED"
    print(f"cold pass over every tenant (all misses): {cold:.2f} s; cache entries at the end {cache_sizes()}")
    target = f"round-robin over {tenants} tenants >= {TARGET_SPREAD_RATIO}x one tenant"
    print(f"target: {target} -> {verdict} ({worst:.2f}x)")


# --- cross-check in separate processes ---------------------------------------------------------------------


def worker(case: str, url: str, requests: int) -> None:
    """Child process: time `requests` requests of one case and print the latencies (ns) as JSON."""
    plain = case == "plain"
    configure(url, "scripts.bench.plain_settings" if plain else "config.settings.dev")
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()
    base = environ(TENANT_HOST)
    check(case, app, base)
    for _ in range(500):
        request_once(app, base)
    gc.collect()
    print(json.dumps([request_once(app, base)[0] for _ in range(requests)]))


def cross_check(url: str, rounds: int, requests: int) -> None:
    times: dict[str, list[int]] = {"plain": [], "ours-host": []}
    environ_ = {**os.environ, "PYTHONPATH": str(ROOT)}
    for round_no in range(rounds):
        order = ["plain", "ours-host"] if round_no % 2 == 0 else ["ours-host", "plain"]
        for case in order:
            result = subprocess.run(
                [sys.executable, __file__, "--worker", case, "--requests", str(requests)],
                env={**environ_, "BENCH_DATABASE_URL": url},
                capture_output=True,
                text=True,
                check=False,
            )
            if result.returncode:
                raise SystemExit(f"cross-check worker {case} failed:\n{result.stderr[-3000:]}")
            times[case].extend(json.loads(result.stdout.strip().splitlines()[-1]))
    print(f"\ncross-check: plain_settings.py process vs config.settings.dev process, {rounds} rounds each")
    report(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000, help="timed requests per case")
    parser.add_argument("--batch", type=int, default=250, help="requests per case per round")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="the benchmark's own database")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--cross-check", action="store_true")
    parser.add_argument("--tenants", type=int, default=0, help="then round-robin over this many tenants")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--worker", choices=["plain", "ours-host"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, os.environ["BENCH_DATABASE_URL"], args.requests)
        return 0

    started = time.monotonic()
    print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    url = database_url(args.database)
    try:
        prepare_database(url)
        configure(url, "config.settings.dev")
        cases = build_handlers()
        times = run(cases, args.requests, args.batch)
        print(f"{args.requests} requests per case, GET {PATH}, interleaved in rounds of {args.batch}")
        report(times)
        if args.profile:
            profile(cases)
        if args.cross_check:
            cross_check(url, rounds=4, requests=max(args.requests // 4, 500))
        if args.tenants:
            filled = time.perf_counter()
            how = fill(args.tenants, 2)
            print(f"\nfill: {args.tenants} tenants in {time.perf_counter() - filled:.1f} s ({how})")
            app = cases["ours-host"][0]
            times, cold = run_spread(app, spread_cases(args.tenants), args.requests, args.batch)
            print(f"{args.requests} requests per case, GET {PATH}, interleaved in rounds of {args.batch}")
            report_spread(times, cold, args.tenants)
            catalogue_memory(min(args.tenants, 200))
        from django.db import connections

        connections.close_all()
    finally:
        if not args.keep:
            drop_database(url)
    print(f"load average at end {os.getloadavg()[0]:.2f}; total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
