"""List and dashboard endpoints against /api/v1/info, in one process.

    .venv/bin/python scripts/bench/bench_lists.py [--products 3000] [--requests 1000] [--profile PATH]

Measured the way bench_auth.py measures /auth/me (its helpers are reused): one WSGI handler built from
config.settings.dev with DEBUG off, called directly with prepared environs (no server, no sockets), warm-up,
then every case interleaved in rounds with a rotating order, so that the machine's load hits every case.

The tenant `bench` holds the team's real METRO invoices (`$MASSACORP_SHARED_DIR/data/metro/invoices`, the
shared/ folder beside the checkout by default), imported by the real import, plus `--products` generated
catalogue products with purchase aggregates (fixed seed). Every list and dashboard endpoint of the contract
is requested with a real access token (a real POST /auth/login), first page, default page size, except
/metro/products which is asked for `per_page=50`. Prints n, queries per request, p50 and p95 per case, and
the ratio of each p50 to the p50 of /api/v1/info in the same run (target: <= 3x), with the load average.
`--profile PATH` adds a cProfile of that path's requests (own time, top functions).

The answers come from the read cache (shared_apps/core/read_cache.py) once warm; `--no-read-cache` computes
every one (the view's own SQL and serialisation), for comparison.

Redis: the REDIS_URL of the environment (the principal snapshot and session liveness, as in production;
members' requests then need no SQL before the view); `--no-redis` or no REDIS_URL reads them from
PostgreSQL. Database massacorp_bench_lists on DATABASE_URL's server (created and dropped; `--keep` keeps it).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench.bench_auth import call, create_member, login  # noqa: E402 - needs ROOT on sys.path
from scripts.bench.bench_provisioning import database_url, drop_database, percentile  # noqa: E402
from scripts.bench.bench_routing import (  # noqa: E402
    TENANT_HOST,
    WsgiApp,
    configure,
    environ,
    prepare_database,
    request_once,
)

DEFAULT_DATABASE = "massacorp_bench_lists"
TARGET_RATIO = 3.0
# (case, path, query string): the first page of every list and dashboard endpoint of the contract.
ENDPOINTS = [
    ("products", "/api/v1/metro/products", "per_page=50"),
    ("products-top", "/api/v1/metro/products", "per_page=50&sort_by=montant_total&sort_order=desc"),
    ("factures", "/api/v1/metro/factures", ""),
    ("summary", "/api/v1/metro/summary", ""),
    ("dashboard", "/api/v1/metro/dashboard", ""),
    ("stats-categories", "/api/v1/metro/stats/categories", ""),
    ("stats-tva", "/api/v1/metro/stats/tva", ""),
    ("categories", "/api/v1/metro/categories", ""),
    ("clients", "/api/v1/metro/clients", ""),
    ("catalog-products", "/api/v1/catalog/products", ""),
    ("catalog-families", "/api/v1/catalog/families", ""),
    ("price-alerts", "/api/v1/catalog/price-alerts", ""),
    ("an-categories", "/api/v1/analytics/categories", ""),
    ("an-valorisation", "/api/v1/analytics/stock/valorisation", ""),
    ("an-mouvements", "/api/v1/analytics/stock/mouvements", ""),
    ("an-produits-top", "/api/v1/analytics/produits/top", ""),
    ("an-dashboard", "/api/v1/analytics/dashboard", ""),
    ("an-ventes", "/api/v1/analytics/ventes/restaurant", ""),
    ("an-top-plats", "/api/v1/analytics/ventes/top-plats", ""),
]
CATEGORIES = [
    ("Boissons", "Spiritueux", "Whisky"),
    ("Boissons", "Vins", "Rouge"),
    ("Boissons", "Bières", ""),
    ("Epicerie", "Conserves", ""),
    ("Frais", "Crèmerie", "Fromage"),
    ("Hygiène", "Entretien", ""),
    ("", "", ""),
]


# --- set-up -------------------------------------------------------------------------------------------------


def shared_invoices() -> list[Path]:
    shared = os.environ.get("MASSACORP_SHARED_DIR")
    folder = (Path(shared) if shared else ROOT.parent / "shared") / "data" / "metro" / "invoices"
    files = sorted(folder.glob("*.pdf"))
    if not files:
        raise SystemExit(f"no METRO invoices in {folder} (set MASSACORP_SHARED_DIR)")
    return files


def fill_tenant(products: int) -> None:
    """The real invoices through the real import, then `products` generated products."""
    from django_tenants.utils import schema_context

    from tenant_apps.metro.services import SourceFile, batch_import

    files = shared_invoices()
    with schema_context("bench"):
        result = batch_import(files=[SourceFile(p.name, path=p) for p in files], workers=1)
        print(f"imported {len(files)} invoices ({type(result).__name__}); generating {products} products")
        generate_products(products)


def generate_products(count: int) -> None:
    from datetime import date, timedelta

    from tenant_apps.catalog.models import Product

    rng = random.Random(12)
    cent, milli = Decimal("0.01"), Decimal("0.001")
    rows = []
    for number in range(count):
        family, name, sub = CATEGORIES[number % len(CATEGORIES)]
        units = Decimal(rng.randint(1, 500))
        price = Decimal(rng.uniform(0.2, 80)).quantize(milli)
        net = (units * price).quantize(cent)
        rate = rng.choice([Decimal("5.50"), Decimal("10.00"), Decimal("20.00")])
        vat = (net * rate / 100).quantize(cent)
        first = date(2021, 1, 1) + timedelta(days=rng.randint(0, 900))
        rows.append(
            Product(
                natural_key=f"ean:9{number:012d}",
                ean=f"9{number:012d}",
                article_number=f"{number:07d}",
                designation=f"PRODUIT GENERE {number} {rng.choice(['VODKA', 'COLA', 'RIZ', 'CAFE'])} 70CL",
                brand=rng.choice(["", "MARQUE", "ÉTOILE"]),
                volume_cl=Decimal("70.00"),
                alcohol_degree=Decimal(rng.randint(0, 45)).quantize(cent),
                supplier_section="SPIRITUEUX",
                family_name=family,
                category_name=name,
                subcategory_name=sub,
                vat_code="D",
                vat_rate=rate,
                unit="U",
                unit_volume=Decimal("0.700"),
                aggregates_fresh=True,
                avg_pack_size=Decimal("6.00"),
                total_case_quantity=(units / 6).quantize(milli),
                total_unit_quantity=units.quantize(milli),
                total_net=net,
                total_vat=vat,
                total_gross=net + vat,
                purchase_count=rng.randint(1, 40),
                avg_unit_price=price,
                min_unit_price=(price * Decimal("0.9")).quantize(milli),
                max_unit_price=(price * Decimal("1.1")).quantize(milli),
                avg_case_price=(price * 6).quantize(milli),
                first_purchase=first,
                last_purchase=first + timedelta(days=rng.randint(0, 300)),
            )
        )
    Product.objects.bulk_create(rows, batch_size=1000)


# --- cases and timing ---------------------------------------------------------------------------------------


def build_cases() -> dict[str, tuple[WsgiApp, dict[str, Any]]]:
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()
    token = login(app)
    cases: dict[str, tuple[WsgiApp, dict[str, Any]]] = {"info": (app, environ(TENANT_HOST))}
    for name, path, query in ENDPOINTS:
        cases[name] = (
            app,
            environ(TENANT_HOST, PATH_INFO=path, QUERY_STRING=query, HTTP_AUTHORIZATION=f"Bearer {token}"),
        )
    return cases


def check(name: str, app: WsgiApp, base: dict[str, Any]) -> tuple[int, int]:
    """Fail unless the case answers 200 with a non-empty body; (queries per request, body bytes)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call(app, base)  # warm: routing and principal caches
    with CaptureQueriesContext(connection) as queries:
        status, body = call(app, base)
    if not status.startswith("200") or len(body) < 2:
        raise SystemExit(f"{name}: expected 200, got {status} {body[:300]!r}")
    return len(queries), len(body)


def run(cases: dict[str, tuple[WsgiApp, dict[str, Any]]], requests: int, batch: int) -> dict[str, list[int]]:
    import gc

    for app, base in cases.values():
        for _ in range(min(100, requests)):
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


def report(times: dict[str, list[int]], shape: dict[str, tuple[int, int]]) -> None:
    base = statistics.median(times["info"])
    print(f"\nload average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'case':<17} {'n':>5} {'queries':>7} {'bytes':>7} {'p50':>9} {'p95':>9} {'x info p50':>10}")
    missed = []
    for name, values in times.items():
        p50 = statistics.median(values)
        p95 = percentile([float(t) for t in values], 0.95)
        queries, size = shape[name]
        ratio = p50 / base
        if name != "info" and ratio > TARGET_RATIO:
            missed.append(name)
        print(
            f"{name:<17} {len(values):>5} {queries:>7} {size:>7} {p50 / 1e6:>7.2f}ms {p95 / 1e6:>7.2f}ms "
            f"{ratio:>10.2f}"
        )
    verdict = "met" if not missed else f"MISSED by {', '.join(missed)}"
    print(f"target: every list p50 <= {TARGET_RATIO}x info p50 -> {verdict}")


def run_gunicorn(url: str, redis_url: str, requests: int, batch: int) -> dict[str, list[int]]:
    """The same cases through `gunicorn config.wsgi -w 2` (load_auth.py's: production-like sync workers,
    DEBUG off), one keep-alive client accepting gzip, timed from the client's side."""
    import http.client
    import tempfile
    import time

    from scripts.bench.bench_auth import EMAIL, PASSWORD
    from scripts.bench.load_auth import gunicorn
    from scripts.bench.load_auth import http as http_json

    paths = {"info": "/api/v1/info", **{n: f"{p}?{q}" if q else p for n, p, q in ENDPOINTS}}
    with tempfile.TemporaryDirectory() as workdir, gunicorn(url, redis_url, 1, Path(workdir)) as port:
        status, body = http_json(port, "/api/v1/auth/login", {"email": EMAIL, "password": PASSWORD})
        if status != 200:
            raise SystemExit(f"login over HTTP failed: {status} {body!r}")
        headers = {"Host": TENANT_HOST, "Authorization": f"Bearer {body['access_token']}"}
        headers["Accept-Encoding"] = "gzip"
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def once(path: str) -> int:
            start = time.perf_counter_ns()
            client.request("GET", path, headers=headers)
            response = client.getresponse()
            response.read()
            if response.status != 200:
                raise SystemExit(f"{path}: {response.status}")
            return time.perf_counter_ns() - start

        for path in paths.values():
            for _ in range(min(100, requests)):
                once(path)
        times: dict[str, list[int]] = {name: [] for name in paths}
        names = list(paths)
        for round_no in range((requests + batch - 1) // batch):
            shift = round_no % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].extend(once(paths[name]) for _ in range(batch))
        client.close()
    return times


def profile(cases: dict[str, tuple[WsgiApp, dict[str, Any]]], name: str, requests: int = 500) -> None:
    app, base = cases[name]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        request_once(app, base)
    profiler.disable()
    print(f"\n{name}: top functions by own time over {requests} requests")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(20)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--products", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=1000, help="per case")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--profile", choices=[name for name, _p, _q in ENDPOINTS], default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-redis", action="store_true", help="principal and liveness read from PostgreSQL")
    parser.add_argument("--gunicorn", action="store_true", help="also through gunicorn -w 2 over HTTP")
    parser.add_argument(
        "--no-read-cache", action="store_true", help="every answer computed (READ_CACHE_TOKEN_SECONDS=0)"
    )
    args = parser.parse_args()
    url = database_url(args.database)
    try:
        prepare_database(url)
        redis_url = os.environ.get("REDIS_URL", "")
        configure(url, "config.settings.dev")  # starts without REDIS_URL; set again below unless --no-redis
        from django.test.utils import override_settings

        if not args.no_redis and redis_url:
            override_settings(REDIS_URL=redis_url).enable()
        if args.no_read_cache:
            override_settings(READ_CACHE_TOKEN_SECONDS=0).enable()
        create_member()
        fill_tenant(args.products)
        cases = build_cases()
        shape = {name: check(name, app, base) for name, (app, base) in cases.items()}
        times = run(cases, args.requests, args.batch)
        redis = "off" if args.no_redis or not redis_url else redis_url
        cache = "off" if args.no_read_cache else "on"
        print(
            f"{args.requests} requests per case, interleaved in rounds of {args.batch}; "
            f"redis {redis}; read cache {cache}"
        )
        report(times, shape)
        if args.gunicorn:
            from django.db import connections

            connections.close_all()
            env_cache = {"READ_CACHE_TOKEN_SECONDS": "0"} if args.no_read_cache else {}
            os.environ.update(env_cache)
            print(f"\nthrough gunicorn -w 2 (HTTP, keep-alive, gzip); read cache {cache}")
            report(run_gunicorn(url, "" if args.no_redis else redis_url, args.requests, args.batch), shape)
        if args.profile:
            profile(cases, args.profile)
        from django.db import connections

        connections.close_all()
    finally:
        if not args.keep:
            drop_database(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
