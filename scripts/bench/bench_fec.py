"""Benchmark the FEC export of a busy year, streamed, against the same file built in memory, in one run.

    .venv/bin/python scripts/bench/bench_fec.py [--invoices 2500] [--lines 40] [--rounds 3] [--reload]

A tenant `benchfec` of the database DATABASE_URL points to (created if missing and kept: `--reload` starts
it again) gets synthetic METRO invoices spread over 2024 (bench_metro_load's generator, loaded by the real
path) and the shared SumUp export (4,243 orders closed in 2024). Then, rounds interleaved: the 2024 FEC
through GET /api/v1/comptabilite/fec (Django's test client, the stream read chunk by chunk), the journals'
totals (the same entries without writing the file: the baseline) and the file joined in memory. Prints
wall times and, in a separate traced pass, the peak Python memory of the streamed download against the
joined file's: a year must not be held in memory as one string.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from metro_etl import ReconciliationReport  # noqa: E402
from scripts.bench.bench_metro_load import synthetic_invoices  # noqa: E402
from scripts.bench.bench_sumup_import import _default_export  # noqa: E402
from shared_apps.accounts.services import member_create  # noqa: E402
from shared_apps.tenants.models import Tenant  # noqa: E402
from shared_apps.tenants.services import tenant_create  # noqa: E402
from tenant_apps.accounting.selectors import fec_stream, journal_totals  # noqa: E402
from tenant_apps.accounting.services import siren_set  # noqa: E402
from tenant_apps.metro.models import ImportBatch, ImportSource  # noqa: E402
from tenant_apps.metro.services import invoice_load  # noqa: E402
from tenant_apps.metro.services.loading import load_context_build  # noqa: E402
from tenant_apps.sales.models import ImportSource as SalesSource  # noqa: E402
from tenant_apps.sales.services import sales_import_files  # noqa: E402
from tenant_apps.sessions.services import session_start  # noqa: E402
from tenant_apps.sessions.tokens import access_token_encode  # noqa: E402

TENANT: dict[str, Any] = {"slug": "benchfec", "name": "Bench FEC", "domain": "benchfec.localhost"}
YEAR = 2024
ZONE = ZoneInfo("Europe/Paris")


def load(tenant: Tenant, invoices: int, lines: int) -> None:
    parsed = synthetic_invoices(invoices, lines, 3000, seed=11, prefix="904")
    step = 365 * 24 // max(invoices, 1)
    first = datetime(YEAR, 1, 1, 8)  # noqa: DTZ001 - METRO prints naive wall-clock times
    with schema_context(tenant.schema_name):
        batch = ImportBatch.objects.create(source=ImportSource.CLI)
        context = load_context_build()
        for index, invoice in enumerate(parsed):
            when = first + timedelta(hours=index * step)
            dated = replace(invoice, invoice_date=when.date(), invoice_datetime=when)
            invoice_load(
                parsed=dated, report=ReconciliationReport(dated.number, True, (), ()), sha256=dated.sha256,
                file_name="x.pdf", batch=batch, context=context,
            )  # fmt: skip
        sales_import_files(sources=[_default_export()], source=SalesSource.CLI)
    siren_set(tenant=tenant, siren="732829320", actor=None)


def bearer(tenant: Tenant) -> dict[str, Any]:
    """An administrator's token (the export needs accounting:export)."""
    membership = member_create(tenant=tenant, email=f"bench.{time.time_ns()}@example.com", password=None,
                               is_admin=True)  # fmt: skip
    with schema_context(tenant.schema_name):
        session = session_start(
            tenant=tenant, user=membership.user, ip="127.0.0.1", user_agent="bench", auth_methods=["pwd"]
        ).session
    token, _ = access_token_encode(
        user_id=membership.user.pk, tenant=tenant.slug, session_id=session.pk, auth_time=timezone.now()
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def download(client: Client) -> int:
    response: Any = client.get("/api/v1/comptabilite/fec", {"annee": YEAR})
    assert response.status_code == 200, response.status_code
    return sum(len(chunk) for chunk in response.streaming_content)


def totals(tenant: Tenant) -> int:
    with schema_context(tenant.schema_name):
        return sum(
            j.entries for j in journal_totals(start=date(YEAR, 1, 1), end=date(YEAR, 12, 31), zone=ZONE)
        )


def joined(tenant: Tenant) -> int:
    with schema_context(tenant.schema_name):
        return len(b"".join(fec_stream(start=date(YEAR, 1, 1), end=date(YEAR, 12, 31), zone=ZONE)))


def peak(work: Callable[[], int]) -> tuple[int, int]:
    tracemalloc.start()
    size = work()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, top


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=2500)
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reload", action="store_true")
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
        print(f"loaded {args.invoices * args.lines:,} purchase lines and the SumUp export in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
    client = Client(HTTP_HOST=TENANT["domain"], **bearer(tenant))
    cases: dict[str, Callable[[], int]] = {
        "journal totals (baseline)": lambda: totals(tenant),
        "FEC streamed over HTTP": lambda: download(client),
        "FEC joined in memory": lambda: joined(tenant),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    sizes: dict[str, int] = {}
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for _ in range(args.rounds):
        for name, work in cases.items():
            started = time.perf_counter()
            sizes[name] = work()
            times[name].append(time.perf_counter() - started)
    base = statistics.median(times["journal totals (baseline)"])
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:>26}: median {median:6.2f} s over {args.rounds} rounds"
            f" ({median / base:.2f}x the baseline)"
        )
    print(
        f"FEC of {YEAR}: {sizes['FEC streamed over HTTP']:,} bytes,"
        f" {sizes['journal totals (baseline)']:,} entries"
    )
    streamed = peak(cases["FEC streamed over HTTP"])[1]
    whole = peak(cases["FEC joined in memory"])[1]
    print(f"peak Python memory: streamed {streamed / 2**20:.1f} MiB, joined {whole / 2**20:.1f} MiB "
          f"({streamed / whole:.2f}x)")  # fmt: skip
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
