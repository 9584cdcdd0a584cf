"""Benchmark the catalogue and stock endpoints against GET /api/v1/info, in one process and one run.

    .venv/bin/python scripts/bench/bench_catalog.py [--invoices 2500] [--lines 40] [--requests 200]

A tenant `benchcatalog` of the database DATABASE_URL points to (created if missing, its data kept between
runs: `--reload` empties and loads it again) gets synthetic METRO invoices (bench_metro_load's generator:
3,000 products, two customer numbers, hence two sites) loaded by the real batch path (statement, aggregates,
stock valuation), over about three years. Then, with a member's bearer token, through Django's test client
(no server: only Django's work is timed, the same way for every endpoint): /info (the baseline), the
catalogue list, a product's detail, the families, the analytics of the stock side and the price alerts,
interleaved in rounds. Prints p50 and p95 per endpoint, the catalogue list's p50 against /info's (goal ≤ 3x)
and every p95 against 200 ms, with the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("LOG_LEVEL", "ERROR")  # no log line per request: it would time the console

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from scripts.bench.bench_metro_load import synthetic_invoices  # noqa: E402
from shared_apps.accounts.services import member_create  # noqa: E402
from shared_apps.tenants.models import Tenant  # noqa: E402
from shared_apps.tenants.services import tenant_create  # noqa: E402
from tenant_apps.catalog.models import Product  # noqa: E402
from tenant_apps.metro.models import ImportBatch, ImportSource  # noqa: E402
from tenant_apps.metro.services import aggregates_refresh, invoice_load  # noqa: E402
from tenant_apps.metro.services.loading import credit_notes_link, load_context_build  # noqa: E402
from tenant_apps.sessions.services import session_start  # noqa: E402
from tenant_apps.sessions.tokens import access_token_encode  # noqa: E402
from tenant_apps.stock.valuation import stock_valuation_refresh  # noqa: E402

TENANT: dict[str, Any] = {
    "slug": "benchcatalog",
    "name": "Bench catalogue",
    "domain": "benchcatalog.localhost",
}
CUSTOMERS = ("135 00000038 01 4 SC", "135 00712188 03 2 SC")
P95_GOAL_MS, RATIO_GOAL = 200.0, 3.0


def load(tenant: Tenant, invoices: int, lines: int) -> None:
    """Synthetic invoices spread over three years, alternately for the two customers, loaded for real."""
    parsed = synthetic_invoices(invoices, lines, 3000, seed=7, prefix="903")
    first = datetime.combine(date.today() - timedelta(days=3 * 365), datetime.min.time())  # noqa: DTZ011
    step = max(1, 3 * 365 * 24 // max(invoices, 1))
    with schema_context(tenant.schema_name):
        batch = ImportBatch.objects.create(source=ImportSource.CLI)
        context = load_context_build()
        for index, invoice in enumerate(parsed):
            when = first + timedelta(hours=index * step)
            dated = replace(
                invoice, invoice_date=when.date(), invoice_datetime=when, customer_number=CUSTOMERS[index % 2]
            )
            report = _reconciled(dated)
            invoice_load(
                parsed=dated,
                report=report,
                sha256=dated.sha256,
                file_name="x.pdf",
                batch=batch,
                context=context,
            )
        credit_notes_link()
        aggregates_refresh()
        stock_valuation_refresh()


def _reconciled(parsed: Any) -> Any:
    from metro_etl import ReconciliationReport

    return ReconciliationReport(parsed.number, True, (), ())


def bearer(tenant: Tenant) -> dict[str, Any]:
    email = f"bench.{time.time_ns()}@example.com"
    membership = member_create(tenant=tenant, email=email, password=None)
    with schema_context(tenant.schema_name):
        session = session_start(
            tenant=tenant, user=membership.user, ip="127.0.0.1", user_agent="bench", auth_methods=["pwd"]
        ).session
    token, _ = access_token_encode(
        user_id=membership.user.pk, tenant=tenant.slug, session_id=session.pk, auth_time=timezone.now()
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def endpoints(tenant: Tenant) -> dict[str, str]:
    with schema_context(tenant.schema_name):
        product = Product.objects.order_by("-purchase_count", "id").first()
    assert product is not None
    month = (date.today() - timedelta(days=30)).isoformat()  # noqa: DTZ011 - calendar days
    return {
        "info": "/api/v1/info",
        "catalog-list": "/api/v1/catalog/products?per_page=50",
        "catalog-list-low": "/api/v1/catalog/products?per_page=50&stock_status=low",
        "catalog-detail": f"/api/v1/catalog/products/{product.pk}",
        "families": "/api/v1/catalog/families",
        "valuation-30d": f"/api/v1/analytics/stock/valorisation?date_debut={month}",
        "movements": "/api/v1/analytics/stock/mouvements?limit=100",
        "price-history": f"/api/v1/metro/products/{product.pk}/price-history",
        "price-alerts": "/api/v1/catalog/price-alerts?limit=100",
        "clients": "/api/v1/metro/clients",
    }


def run(client: Client, paths: dict[str, str], requests: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in paths}
    for name, path in paths.items():  # warm-up, and every endpoint must answer 200
        response = client.get(path)
        assert response.status_code == 200, (name, response.status_code, response.content[:200])
    for _ in range(requests):
        for name, path in paths.items():
            started = time.perf_counter()
            client.get(path)
            times[name].append((time.perf_counter() - started) * 1000)
    return times


def report(times: dict[str, list[float]], lines: int) -> None:
    print(f"{lines:,} purchase lines, 3,000 products, 2 sites; load average {os.getloadavg()[0]:.2f}")
    p50 = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        p95 = statistics.quantiles(values, n=20)[18]
        verdict = "ok" if p95 <= P95_GOAL_MS else "OVER"
        goal = f"{verdict} against {P95_GOAL_MS:.0f} ms"
        print(f"{name:>18}: p50 {p50[name]:7.2f} ms  p95 {p95:7.2f} ms  ({goal})")
    ratio = p50["catalog-list"] / p50["info"]
    verdict = "met" if ratio <= RATIO_GOAL else "NOT met"
    print(f"catalog list p50 / info p50: {ratio:.2f}x (goal <= {RATIO_GOAL:.0f}x: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=2500)
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reload", action="store_true", help="empty the tenant's data and load it again")
    args = parser.parse_args()
    tenant = Tenant.objects.filter(slug=TENANT["slug"]).first()
    if tenant is not None and args.reload:
        from django.core.management import call_command

        call_command("delete_tenant", slug=TENANT["slug"], yes=True)
        tenant = None
    if tenant is None:
        tenant = tenant_create(**TENANT)
        started = time.perf_counter()
        load(tenant, args.invoices, args.lines)
        print(f"loaded {args.invoices * args.lines:,} lines in {time.perf_counter() - started:.1f} s")
    client = Client(HTTP_HOST=TENANT["domain"], **bearer(tenant))
    report(run(client, endpoints(tenant), args.requests), args.invoices * args.lines)


if __name__ == "__main__":
    main()
