"""Benchmark the SumUp import of the shared export into a tenant: parse, first load, re-import.

    .venv/bin/python scripts/bench/bench_sumup_import.py [--export PATH]

A tenant `benchsales` of the database DATABASE_URL points to (created if missing) is emptied of its sales,
then the shared export (shared/data/sumup beside the clone, or MASSACORP_SHARED_DIR) is imported by the
service `import_sumup` calls: parse alone (the baseline), parse + load, then the same again (every order
already there: the idempotence path). Prints wall time, lines per second and the ratio to the parse alone,
with the load average; the goal is the whole import under 20 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django_tenants.utils import schema_context  # noqa: E402

from shared_apps.tenants.models import Tenant  # noqa: E402
from shared_apps.tenants.services import tenant_create  # noqa: E402
from sumup_etl import read_export  # noqa: E402
from tenant_apps.sales.models import ImportSource, Order, SalesImport  # noqa: E402
from tenant_apps.sales.services import sales_import_files  # noqa: E402

GOAL_S = 20.0
EXPORT = "rapport-de-commandes-2023-11-08_2025-11-08.zip"


def _default_export() -> Path:
    shared = os.environ.get("MASSACORP_SHARED_DIR")
    return (Path(shared) if shared else ROOT.parent / "shared") / "data" / "sumup" / EXPORT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--export", type=Path, default=_default_export())
    args = parser.parse_args()
    tenant = Tenant.objects.filter(slug="benchsales").first() or tenant_create(
        slug="benchsales", name="Bench sales", domain="benchsales.localhost"
    )
    with schema_context(tenant.schema_name):
        Order.objects.all().delete()
        SalesImport.objects.all().delete()
    started = time.perf_counter()
    export = read_export([args.export])
    parse_s = time.perf_counter() - started
    lines = export.line_count
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"parse alone: {parse_s:.2f} s, {lines / parse_s:,.0f} lines/s (baseline)")
    for label in ("first import", "re-import"):
        started = time.perf_counter()
        with schema_context(tenant.schema_name):
            result = sales_import_files(sources=[args.export], source=ImportSource.CLI)
        wall = time.perf_counter() - started
        print(
            f"{label}: {wall:.2f} s (parse + load), {lines / wall:,.0f} lines/s,"
            f" {wall / parse_s:.1f}x the parse;"
            f" {result.imported} orders and {result.lines} lines written, {result.duplicates} skipped;"
            f" goal < {GOAL_S:.0f} s: {'met' if wall < GOAL_S else 'MISSED'}"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
