"""The expenses endpoints against /api/v1/info, in one process, on a generated tenant.

    .venv/bin/python scripts/bench/bench_expenses.py [--expenses 200000] [--invoices 20000] [--requests 200]

Measured as bench_lists.py measures the METRO lists (its helpers are reused): one WSGI handler built from
config.settings.dev with DEBUG off, called directly with prepared environs, warm-up, then every case
interleaved in rounds. The tenant `bench` gets `--expenses` generated expenses over three years on its seeded
cost centres (budgets set) and `--invoices` generated supplier invoice headers (what the synthesis's
purchases centre reads), with a fixed seed. Prints n, queries per request, p50 and p95 per case, the ratio of
each p50 to /api/v1/info's in the same run, and the load average. Target (issue): p95 <= 200 ms per endpoint,
the dashboard's <= 100 ms. Database massacorp_bench_expenses on DATABASE_URL's server (dropped; `--keep`).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scripts.bench.bench_auth import create_member, login  # noqa: E402 - needs ROOT on sys.path
from scripts.bench.bench_lists import check, run  # noqa: E402
from scripts.bench.bench_provisioning import database_url, drop_database, percentile  # noqa: E402
from scripts.bench.bench_routing import TENANT_HOST, WsgiApp, configure, environ, prepare_database  # noqa: E402

DEFAULT_DATABASE = "massacorp_bench_expenses"
START = date(2023, 1, 1)
DAYS = 3 * 365
TARGET_P95_MS = 200.0
DASHBOARD_P95_MS = 100.0


def fill_tenant(expenses: int, invoices: int) -> None:
    from django_tenants.utils import schema_context

    from tenant_apps.expenses.models import CostCentre, Expense
    from tenant_apps.metro.models import Invoice

    rng = random.Random(8)
    cent = Decimal("0.01")
    with schema_context("bench"):
        centres = list(CostCentre.objects.all())
        for centre in centres:
            centre.monthly_budget = Decimal(rng.randint(200, 5000))
        CostCentre.objects.bulk_update(centres, ["monthly_budget"])
        rows = []
        for number in range(expenses):
            ht = Decimal(rng.uniform(5, 2000)).quantize(cent)
            rate = rng.choice([Decimal(0), Decimal("5.5"), Decimal(10), Decimal(20)])
            vat = (ht * rate / 100).quantize(cent)
            day = START + timedelta(days=rng.randrange(DAYS))
            rows.append(
                Expense(date=day, supplier=f"Fournisseur {number % 300}", label=f"Dépense {number}",
                        centre=rng.choice(centres), amount_ht=ht, vat_rate=rate, vat=vat, amount_ttc=ht + vat)
            )  # fmt: skip
        Expense.objects.bulk_create(rows, batch_size=5000)
        headers = []
        for number in range(invoices):
            day = START + timedelta(days=rng.randrange(DAYS))
            net = Decimal(rng.uniform(-200, 3000)).quantize(cent)
            vat = (net * Decimal("0.08")).quantize(cent)
            issued = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
            headers.append(
                Invoice(
                    number=f"BENCH/{number:08d}",
                    doc_type="invoice",
                    doc_label="FACTURE",
                    invoice_date=day,
                    issued_at=issued,
                    store_name="BENCH",
                    store_code="1",
                    total_net=net,
                    total_vat=vat,
                    total_gross=net + vat,
                    reconciliation_status="reconciled",
                    source_file="bench.pdf",
                    sha256=f"{number:064d}",
                )
            )
        Invoice.objects.bulk_create(headers, batch_size=5000)
    print(f"generated {expenses} expenses and {invoices} invoice headers over {DAYS} days")


def build_cases() -> dict[str, tuple[WsgiApp, dict[str, Any]]]:
    from django.core.handlers.wsgi import WSGIHandler

    app = WSGIHandler()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {login(app)}"}
    paths = {
        "synthese-mois": ("/api/v1/analytics/depenses/synthese", "annee=2024&mois=6"),
        "synthese-annee": ("/api/v1/analytics/depenses/synthese", "annee=2024"),
        "synthese-tout": ("/api/v1/analytics/depenses/synthese", ""),
        "depenses": ("/api/v1/depenses", ""),
        "depenses-filtre": ("/api/v1/depenses", "date_debut=2024-06-01&date_fin=2024-06-30&centre_cout=2"),
        "centres-couts": ("/api/v1/centres-couts", ""),
        "dashboard": ("/api/v1/analytics/dashboard", "date=2024-06-15"),
    }
    cases: dict[str, tuple[WsgiApp, dict[str, Any]]] = {"info": (app, environ(TENANT_HOST))}
    for name, (path, query) in paths.items():
        cases[name] = (app, environ(TENANT_HOST, PATH_INFO=path, QUERY_STRING=query, **auth))
    return cases


def report(times: dict[str, list[int]], shape: dict[str, tuple[int, int]]) -> None:
    base = statistics.median(times["info"])
    print(f"\nload average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'case':<16} {'n':>5} {'queries':>7} {'bytes':>7} {'p50':>9} {'p95':>9} {'x info p50':>10}")
    missed = []
    for name, values in times.items():
        p50, p95 = statistics.median(values) / 1e6, percentile([float(t) for t in values], 0.95) / 1e6
        target = DASHBOARD_P95_MS if name == "dashboard" else TARGET_P95_MS
        if name != "info" and p95 > target:
            missed.append(name)
        queries, size = shape[name]
        ratio = p50 * 1e6 / base
        print(
            f"{name:<16} {len(values):>5} {queries:>7} {size:>7} {p50:>7.2f}ms {p95:>7.2f}ms {ratio:>10.2f}"
        )
    verdict = "met" if not missed else f"MISSED by {', '.join(missed)}"
    print(f"target: p95 <= {TARGET_P95_MS:.0f} ms (dashboard {DASHBOARD_P95_MS:.0f} ms) -> {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--expenses", type=int, default=200_000)
    parser.add_argument("--invoices", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=200, help="per case")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url = database_url(args.database)
    try:
        prepare_database(url)
        configure(url, "config.settings.dev")
        redis_url = os.environ.get("REDIS_URL", "")
        if redis_url:
            from django.test.utils import override_settings

            override_settings(REDIS_URL=redis_url).enable()
        create_member()
        fill_tenant(args.expenses, args.invoices)
        cases = build_cases()
        shape = {name: check(name, app, base) for name, (app, base) in cases.items()}
        times = run(cases, args.requests, args.batch)
        print(f"{args.requests} requests per case, interleaved in rounds of {args.batch}")
        report(times, shape)
        from django.db import connections

        connections.close_all()
    finally:
        if not args.keep:
            drop_database(url)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
