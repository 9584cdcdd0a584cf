"""Benchmark the price alerts with the dishes they reach against GET /api/v1/info, in one process and run.

    .venv/bin/python scripts/bench/bench_price_alerts.py [--alerts 1000] [--dishes 300] [--requests 60]

A tenant `benchalerts` of the database DATABASE_URL points to (created if missing, its data kept between
runs: `--reload` deletes and makes it again) gets 2,000 products, `--alerts` price alerts on the first 500
and `--dishes` dishes of 6 ingredients each drawn from those 500, so most alerts reach several dishes. Then,
with a member's bearer token through Django's test client (bench_catalog's way): /info (the baseline),
the alert list of 1,000 alerts with their dishes, the same list limited to 100, and the dish list. Prints
p50 and p95 per endpoint, each p50 against /info's, the p50 of this process's CPU time (the part other
processes sharing the cores cannot stretch; the database's work is not in it), the garbage collector's
full collections during its requests (the process's start is frozen first, as config.wsgi does:
shared_apps.ops.heap) and the load average.

Uncached: the read cache (shared_apps.core.read_cache) would answer every repeat from memory, so it is off
(READ_CACHE_MAX_ENTRIES=0): each request computes, renders and compresses its answer, as the first one after
a write does. READ_CACHE_MAX_ENTRIES=2048 times the cached answers instead.

`--rising` loads the tenant `benchalertsrising` instead, where each product's alerts are successive rises
(10 → 11 → 12 …): no two alerts share their prices, as in real purchases, where the default data's alerts
all go from 10 to 12.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("LOG_LEVEL", "ERROR")  # no log line per request: it would time the console
os.environ.setdefault("READ_CACHE_MAX_ENTRIES", "0")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from scripts.bench.bench_fec import bearer  # noqa: E402
from shared_apps.ops.heap import startup_heap_freeze  # noqa: E402
from shared_apps.tenants.models import Tenant  # noqa: E402
from shared_apps.tenants.services import tenant_create, tenant_delete  # noqa: E402
from tenant_apps.catalog.models import PriceAlert, Product  # noqa: E402
from tenant_apps.sales.models import Dish, RecipeLine  # noqa: E402

TENANT: dict[str, Any] = {"slug": "benchalerts", "name": "Bench alertes", "domain": "benchalerts.localhost"}
RISING: dict[str, Any] = {
    "slug": "benchalertsrising",
    "name": "Bench alertes en hausse",
    "domain": "benchalertsrising.localhost",
}
PRODUCTS, HOT_PRODUCTS, INGREDIENTS = 2000, 500, 6


class Timings:
    """Per endpoint: wall-clock and CPU milliseconds, and the full (generation 2) collections run."""

    def __init__(self, names: list[str]) -> None:
        self.wall: dict[str, list[float]] = {name: [] for name in names}
        self.cpu: dict[str, list[float]] = {name: [] for name in names}
        self.full_gc: dict[str, int] = dict.fromkeys(names, 0)


def run(client: Client, paths: dict[str, str], requests: int) -> Timings:
    for name, path in paths.items():  # warm-up, and every endpoint must answer 200
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code, response.content[:200])
    timings = Timings(list(paths))
    for _ in range(requests):
        for name, path in paths.items():
            full = gc.get_stats()[2]["collections"]
            started, cpu = time.perf_counter(), time.process_time()
            client.get(path)
            timings.wall[name].append((time.perf_counter() - started) * 1000)
            timings.cpu[name].append((time.process_time() - cpu) * 1000)
            timings.full_gc[name] += gc.get_stats()[2]["collections"] - full
    return timings


def load(tenant: Tenant, *, alerts: int, dishes: int, rising: bool) -> None:
    rng = random.Random(7)

    def prices(rise: int) -> tuple[Decimal, Decimal]:  # a product's rise-th alert
        return (Decimal(10 + rise), Decimal(11 + rise)) if rising else (Decimal(10), Decimal(12))

    with schema_context(tenant.schema_name):
        Product.objects.bulk_create(
            Product(natural_key=f"art:{n:07d}", article_number=f"{n:07d}", designation=f"PRODUIT {n}",
                    unit="KG", avg_unit_price=Decimal(rng.randint(100, 3000)) / 100)
            for n in range(PRODUCTS)
        )  # fmt: skip
        hot = list(Product.objects.order_by("id").values_list("id", flat=True)[:HOT_PRODUCTS])
        day = date(2026, 1, 1)
        PriceAlert.objects.bulk_create(
            PriceAlert(product_id=hot[n % len(hot)], source="metro", document_id=n, document_number=f"F{n}",
                       date=day + timedelta(days=n % 300), old_price=old, new_price=new,
                       change_pct=((new - old) * 100 / old).quantize(Decimal("0.01")))
            for n in range(alerts)
            for old, new in [prices(n // len(hot))]
        )  # fmt: skip
        made = Dish.objects.bulk_create(
            Dish(till_name=f"PLAT {n}", name=f"Plat {n}", selling_price_ttc=Decimal(rng.randint(800, 2500)))
            for n in range(dishes)
        )  # fmt: skip
        RecipeLine.objects.bulk_create(
            RecipeLine(dish=dish, product_id=product, quantity=Decimal(rng.randint(5, 300)) / 1000)
            for dish in made
            for product in rng.sample(hot, INGREDIENTS)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--dishes", type=int, default=300)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--reload", action="store_true", help="delete the tenant and make it again")
    parser.add_argument("--rising", action="store_true", help="successive rises, no two alike (docstring)")
    parser.add_argument("--no-freeze", action="store_true", help="leave the start to full collections")
    args = parser.parse_args()
    # Set to INFO itself, past LOG_LEVEL (and here: importing bench_fec sets Django up, hence logging, again).
    logging.getLogger("massacorp.request").setLevel(logging.ERROR)
    names = RISING if args.rising else TENANT
    tenant = Tenant.objects.filter(slug=names["slug"]).first()
    if tenant is not None and args.reload:
        tenant_delete(slug=names["slug"])
        tenant = None
    if tenant is None:
        tenant = tenant_create(**names)
        load(tenant, alerts=args.alerts, dishes=args.dishes, rising=args.rising)
    if not args.no_freeze:
        startup_heap_freeze()  # as config.wsgi does before serving
    client = Client(HTTP_HOST=names["domain"], **bearer(tenant))
    paths = {
        "info": "/api/v1/info",
        "alerts-1000": "/api/v1/catalog/price-alerts?limit=1000",
        "alerts-100": "/api/v1/catalog/price-alerts?limit=100",
        "dishes-200": "/api/v1/plats?per_page=200",
    }
    timings = run(client, paths, args.requests)
    print(f"{args.alerts:,} alerts{' (rising)' if args.rising else ''}, {args.dishes} dishes x {INGREDIENTS} "
          f"ingredients; load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    base = statistics.median(timings.wall["info"])
    for name, values in timings.wall.items():
        p50, p95 = statistics.median(values), statistics.quantiles(values, n=20)[18]
        cpu = statistics.median(timings.cpu[name])
        print(
            f"{name:>12}: p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  p50 {p50 / base:5.1f}x /info  "
            f"cpu p50 {cpu:7.2f} ms  full gc {timings.full_gc[name]}"
        )


if __name__ == "__main__":
    main()
