"""The catalogue, stock, analytics and sales endpoints of a big tenant against GET /api/v1/info, over HTTP.

    .venv/bin/python scripts/bench/bench_catalog.py [--reuse] [--invoices 25000] [--lines 40]
        [--sale-lines 1000000] [--requests 40] [--only NAME,…] [--drop]

Data (catalog_data.py): the tenant `bench` of the benchmark's own database massacorp_bench_catalog (on
DATABASE_URL's server) gets 1,000,000 purchase lines (25,000 METRO invoices of 40 lines, 3,000 products, two
customer numbers hence two sites, over three years) through the real load path, 1,000,000 till lines
(400,000 orders, 150 dishes, 30 with a recipe whose ingredients leave stock), what a batch runs after its
loads (price alerts, aggregates, stock valuation) and two stock counts. About 20 minutes on two loaded cores.
The database is kept: `--reuse` measures it again after bringing it to the current migrations (indexes a new
migration adds are then built on the full data, timed) and finishing any step an interrupted run left
undone; without it the database is recreated; `--drop` drops it at the end.

Measure: gunicorn with the production flags of docker/entrypoint.sh (soak.py's: 2 workers x 4 threads,
worker recycling; config.settings.dev with DEBUG off, LOG_LEVEL=WARNING, Redis REDIS_URL as in production),
a member's bearer token, one keep-alive client: a warm-up pass (every endpoint must answer 200), then
`--requests` rounds, each requesting every endpoint once, in an order rotated per round. Prints, per endpoint,
p50 and p95 in ms, the ratio of its p50 to /info's in the same run, and its p95 against the goal (200 ms;
100 ms for the dashboard), with the load average before and after.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench.bench_provisioning import database_url, drop_database, percentile  # noqa: E402
from scripts.bench.bench_routing import TENANT_HOST, configure, prepare_database  # noqa: E402
from scripts.bench.soak import gunicorn  # noqa: E402

DEFAULT_DATABASE = "massacorp_bench_catalog"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/12"
KEY_PREFIX = "benchcatalog:"
P95_GOAL_MS = 200.0
GOALS_MS = {"dashboard": 100.0}


def _tenant_loaded(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
            row = conn.execute("SELECT count(*) FROM bench.metro_invoice").fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0])


def _migrate(url: str) -> None:
    import subprocess

    environ = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "deploy_migrations", "--no-progress"],
                   env=environ, check=True, cwd=ROOT)  # fmt: skip
    print(f"migrations brought up to date in {time.perf_counter() - started:.1f} s")
    _indexes_usable(url)


def _indexes_usable(url: str) -> None:
    """An index built over a table holding recently dead rows (a migration that updated rows before it)
    is flagged `indcheckxmin`: PostgreSQL does not use it while a transaction older than it runs, and on a
    shared server some always do (test runs hold theirs for minutes); VACUUM FULL keeps those rows too. Such
    a table's live rows are copied out and back (TRUNCATE drops the dead ones), in one transaction, then
    reindexed and vacuumed: the state it reaches in production once the migration's transaction is old
    news."""
    import psycopg

    query = (
        "SELECT DISTINCT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "WHERE i.indcheckxmin AND c.relnamespace = 'bench'::regnamespace"
    )
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        for (table,) in conn.execute(query).fetchall():
            started = time.perf_counter()
            # The names come from pg_class, in the benchmark's own database.
            copy = f"CREATE TEMPORARY TABLE live ON COMMIT DROP AS SELECT * FROM bench.{table}"  # noqa: S608
            with conn.transaction():
                conn.execute(copy)
                conn.execute(f"TRUNCATE bench.{table}")
                conn.execute(f"INSERT INTO bench.{table} SELECT * FROM live")  # noqa: S608
            conn.execute(f"REINDEX TABLE bench.{table}")  # now without dead rows: the flag is cleared
            conn.execute(f"VACUUM ANALYZE bench.{table}")
            print(f"rewrote {table} (an index flagged indcheckxmin) in {time.perf_counter() - started:.1f} s")


def bearer() -> str:
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from shared_apps.accounts.services import member_create
    from shared_apps.tenants.models import Tenant
    from tenant_apps.sessions.services import session_start
    from tenant_apps.sessions.tokens import access_token_encode

    tenant = Tenant.objects.get(slug="bench")
    membership = member_create(tenant=tenant, email=f"bench.{time.time_ns()}@example.com", password=None)
    with schema_context(tenant.schema_name):
        session = session_start(
            tenant=tenant, user=membership.user, ip="127.0.0.1", user_agent="bench", auth_methods=["pwd"]
        ).session
    token, _ = access_token_encode(
        user_id=membership.user.pk, tenant=tenant.slug, session_id=session.pk, auth_time=timezone.now()
    )
    return token


def endpoints() -> dict[str, str]:
    from django_tenants.utils import schema_context

    from tenant_apps.catalog.models import Product
    from tenant_apps.stock.models import Site, StockCount

    with schema_context("bench"):
        product = Product.objects.order_by("-purchase_count", "id").first()
        site = Site.objects.order_by("id").first()
        counts = sorted({c.date for c in StockCount.objects.all()})
    if product is None or site is None or len(counts) < 2:
        raise SystemExit("the tenant has no data: run without --reuse")
    today = date.today()  # noqa: DTZ011 - the tenant's calendar day
    month, lunch = (today - timedelta(days=30)).isoformat(), (today - timedelta(days=3)).isoformat()
    service = f"date_debut={lunch}T11:30&date_fin={lunch}T15:00"
    return {
        "info": "/api/v1/info",
        "catalog-list": "/api/v1/catalog/products?per_page=50",
        "catalog-list-low": "/api/v1/catalog/products?per_page=50&stock_status=low",
        "catalog-list-site": f"/api/v1/catalog/products?per_page=50&site={site.pk}",
        "catalog-detail": f"/api/v1/catalog/products/{product.pk}",
        "families": "/api/v1/catalog/families",
        "price-alerts": "/api/v1/catalog/price-alerts",
        "price-history": f"/api/v1/metro/products/{product.pk}/price-history",
        "price-history-ean": f"/api/v1/metro/products/ean/{product.ean}/price-history",
        "metro-clients": "/api/v1/metro/clients",
        "sites": "/api/v1/sites",
        "categories": "/api/v1/analytics/categories",
        "valuation-30d": f"/api/v1/analytics/stock/valorisation?date_debut={month}",
        "movements": "/api/v1/analytics/stock/mouvements?limit=100",
        "products-top": "/api/v1/analytics/produits/top",
        "classify-preview": "/api/v1/analytics/classify-products/preview",
        "stock-ecarts": f"/api/v1/stock/ecarts?site={site.pk}&date_debut={counts[0]}&date_fin={counts[-1]}",
        "sales-days": f"/api/v1/analytics/ventes/restaurant?date_debut={month}",
        "sales-service": f"/api/v1/analytics/ventes/restaurant?{service}",
        "top-dishes": "/api/v1/analytics/ventes/top-plats",
        "dashboard": "/api/v1/analytics/dashboard",
        "sales-coverage": "/api/v1/ventes/couverture",
    }


def measure(port: int, token: str, paths: dict[str, str], rounds: int) -> dict[str, list[float]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": TENANT_HOST, "Authorization": f"Bearer {token}", "Accept": "application/json"}

    def get(path: str) -> tuple[int, bytes]:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()

    for _ in range(2):  # warm-up of both workers' caches; every endpoint must answer 200
        for name, path in paths.items():
            status, body = get(path)
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}: {body[:300]!r}")
    times: dict[str, list[float]] = {name: [] for name in paths}
    names = list(paths)
    for round_no in range(rounds):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            started = time.perf_counter()
            get(paths[name])
            times[name].append((time.perf_counter() - started) * 1000)
    connection.close()
    return times


def report(times: dict[str, list[float]], loads: tuple[str, str]) -> None:
    base = statistics.median(times["info"])
    print(f"\nload average before: {loads[0]}\nload average after:  {loads[1]}")
    print(f"| {'endpoint':<18} | {'p50 ms':>8} | {'p95 ms':>8} | {'p50 / info':>10} | goal p95 |")
    print(f"|{'-' * 20}|{'-' * 10}|{'-' * 10}|{'-' * 12}|----------|")
    for name, values in times.items():
        p50, p95 = statistics.median(values), percentile(values, 0.95)
        goal = GOALS_MS.get(name, P95_GOAL_MS)
        verdict = "" if name == "info" else ("ok" if p95 <= goal else f"OVER {goal:.0f}")
        print(f"| {name:<18} | {p50:8.1f} | {p95:8.1f} | {p50 / base:10.1f} | {verdict:<8} |")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")  # unwinds, so gunicorn is stopped too


def main() -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--reuse", action="store_true", help="measure the data already there")
    parser.add_argument("--invoices", type=int, default=25_000)
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--sale-lines", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40, help="rounds over every endpoint")
    parser.add_argument("--only", default="", help="comma-separated endpoint names (info is always in)")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    url = database_url(args.database)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    reuse = args.reuse and _tenant_loaded(url)
    if reuse:
        _migrate(url)
    else:
        prepare_database(url)
    configure(url, "config.settings.dev")
    from scripts.bench.catalog_data import generate

    started = time.perf_counter()
    generate("bench", invoices=args.invoices, lines=args.lines, sale_lines=args.sale_lines)
    print(f"data ready in {time.perf_counter() - started:.0f} s")
    paths = endpoints()
    if args.only:
        wanted = {"info", *args.only.split(",")}
        paths = {name: path for name, path in paths.items() if name in wanted}
    token = bearer()
    from django.db import connections

    connections.close_all()
    try:
        with (
            tempfile.TemporaryDirectory() as workdir,
            gunicorn(url, redis_url, Path(workdir), recycle=True, key_prefix=KEY_PREFIX) as (port, _server),
        ):
            before = _load()
            times = measure(port, token, paths, args.requests)
            report(times, (before, _load()))
    finally:
        if args.drop:
            drop_database(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
