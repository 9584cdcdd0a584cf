"""Benchmark loading METRO invoices into a tenant schema: invoice lines per second.

    .venv/bin/python scripts/bench/bench_metro_load.py [--invoices 400] [--lines 40] [--naive-invoices 20]
        [--workers N] [--runs 3]

Synthetic invoices (no PDF parsing: that is bench_metro_parse.py's figure) are loaded into the tenant
`benchmetro` of the database DATABASE_URL points to (created if missing; its METRO tables are emptied first,
no other schema is touched). These paths, in the same run:
(a) ours: `invoice_load` per invoice (ONE prepared statement each, which in autocommit is the invoice's
    transaction: one round trip; it writes the stock entries too), then the credit-note link sweep and one
    set-based aggregate refresh (the stock valuation that follows in a batch is timed apart: (v)),
    on 1 connection, and (aN) the same on N connections at once (services.parallel, the pool batch_import
    uses; N = --workers, default METRO_LOAD_WORKERS); the median of --runs runs of each, interleaved.
    For (a) it also prints the CPU time per invoice of the client and, when PostgreSQL runs on this
    machine, of its backend (from /proc): steadier than wall time on a shared machine, and their sum
    bounds what the cores can load at all;
(b) the baseline, measured in the same run: a naive per-row loader (per line, ORM get_or_create of the
    product, save() of the line and of the fact, the product's aggregates recomputed and saved), one
    transaction per invoice.
Prints lines/s for each and the ratios. The target is >= 20,000 lines/s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DEBUG", "0")  # no query log: it would measure Django's debug bookkeeping

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Max, Min, Sum  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from metro_etl import ArticleLine, DocType, ParsedInvoice, ReconciliationReport  # noqa: E402
from shared_apps.tenants.models import Tenant  # noqa: E402
from shared_apps.tenants.services import tenant_create  # noqa: E402
from tenant_apps.catalog.models import Product  # noqa: E402
from tenant_apps.metro.models import (  # noqa: E402
    ImportBatch,
    ImportSource,
    Invoice,
    InvoiceLine,
    LineKind,
    PurchaseFact,
)
from tenant_apps.metro.services import aggregates_refresh, invoice_load  # noqa: E402
from tenant_apps.metro.services.loading import (  # noqa: E402
    credit_notes_link,
    load_context_build,
    product_key,
)
from tenant_apps.metro.services.parallel import ConnectionThreads, load_workers  # noqa: E402
from tenant_apps.stock.models import StockDay, StockMovement  # noqa: E402
from tenant_apps.stock.valuation import stock_valuation_refresh  # noqa: E402

TENANT: dict[str, Any] = {"slug": "benchmetro", "name": "Bench METRO", "domain": "benchmetro.localhost"}
TARGET = 20_000
# The stock valuation after each load, timed apart (it is the batch's step after the loads).
VALUATION_SECONDS: list[float] = []


def synthetic_invoices(count: int, lines: int, products: int, seed: int, prefix: str) -> list[ParsedInvoice]:
    rng = random.Random(seed)
    catalogue = [
        (f"{3000000000000 + n}", f"{1000000 + n:07d}", f"PRODUIT {n} 70CL", rng.choice("ABDE"))
        for n in range(products)
    ]
    start = datetime(2024, 1, 1, 10, 0)  # noqa: DTZ001 - METRO prints naive wall-clock times
    return [
        synthetic_invoice(
            rows=tuple(
                synthetic_line(rng, rng.choice(catalogue), position) for position in range(1, lines + 1)
            ),
            number=f"0/0({prefix}){number:010d}",
            when=start + timedelta(hours=number),
            sha256=f"{prefix}{number:060d}",
        )
        for number in range(count)
    ]


def synthetic_line(rng: random.Random, product: tuple[str, str, str, str], position: int) -> ArticleLine:
    ean, article, designation, code = product
    price = Decimal(rng.randint(100, 5000)) / 100
    colisage, quantity = rng.choice((1, 6, 12)), rng.randint(1, 5)
    return ArticleLine(
        position=position,
        page=1,
        mm=None,
        ean=ean,
        article_number=article,
        designation=designation,
        regie=None,
        vol_alcool=None,
        vap=None,
        unit_volume=Decimal("0.700"),
        unit_price=price,
        colisage=colisage,
        quantity=quantity,
        weight_kg=None,
        amount=price * colisage * quantity,
        vat_code=code,
        promo=None,
        extr=None,
        category="CAVE",
        raw="",
    )


def synthetic_invoice(
    *, rows: tuple[ArticleLine, ...], number: str, when: datetime, sha256: str
) -> ParsedInvoice:
    total = sum((row.amount for row in rows), Decimal(0))
    return ParsedInvoice(
        doc_type=DocType.INVOICE,
        doc_label="Nº FACTURE",
        number=number,
        referenced_invoice_number=None,
        recalled_invoice_number=None,
        ticket=None,
        invoice_date=when.date(),
        invoice_datetime=when,
        store_name="METRO BENCH",
        store_code="999",
        customer_number=None,
        pages=1,
        lines=rows,
        cotis_lines=(),
        discount_lines=(),
        info_lines=(),
        down_payment_lines=(),
        category_totals=(),
        vat_rows=(),
        total_ht=total,
        total_tva=None,
        total_ttc=None,
        total_a_payer=None,
        total_ht_line=total,
        montant_hors_tva=None,
        page_headers=(),
        unparsed_lines=(),
        sha256=sha256,
    )


def load_ours(invoices: list[ParsedInvoice], load: Any = invoice_load, workers: int = 1) -> float:
    batch = ImportBatch.objects.create(source=ImportSource.CLI)
    context = load_context_build()

    def one(parsed: ParsedInvoice) -> Any:
        report = ReconciliationReport(parsed.number, True, (), ())
        return load(
            parsed=parsed,
            report=report,
            sha256=parsed.sha256,
            file_name=f"{parsed.sha256}.pdf",
            batch=batch,
            context=context,
        )

    started = time.perf_counter()
    if workers == 1:
        for parsed in invoices:
            one(parsed)
    else:
        # Thread start-up and each thread's connection are part of the figure, as in batch_import.
        with ConnectionThreads(workers) as pool:
            for future in [pool.submit(partial(one, parsed)) for parsed in invoices]:
                future.result()
    credit_notes_link()
    aggregates_refresh()
    return time.perf_counter() - started


def value_stock() -> None:
    """(v): the batch's stock valuation after a load, timed apart."""
    started = time.perf_counter()
    stock_valuation_refresh()
    VALUATION_SECONDS.append(time.perf_counter() - started)


def backend_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend so far, when the server runs on this machine."""
    with connection.cursor():  # connected
        pass
    proc = Path(f"/proc/{connection.connection.info.backend_pid}")
    try:
        if not (proc / "cmdline").read_bytes().startswith(b"postgres"):
            return None  # a remote server: that pid is some local process
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_measured(invoices: list[ParsedInvoice], cpu: list[tuple[float, float | None]]) -> float:
    """(a): `load_ours` on this connection, noting the CPU time of both sides (stabler than wall time on a
    shared machine)."""
    client, server = time.process_time(), backend_cpu()
    seconds = load_ours(invoices)
    after = backend_cpu()
    cpu.append((time.process_time() - client, None if server is None or after is None else after - server))
    return seconds


def load_naive(invoices: list[ParsedInvoice]) -> float:
    """The per-row ORM loader this app replaces: correct, but one or more round trips per row and field."""
    started = time.perf_counter()
    for parsed in invoices:
        with transaction.atomic():
            invoice = Invoice.objects.create(
                number=parsed.number,
                doc_type=str(parsed.doc_type),
                doc_label=parsed.doc_label,
                invoice_date=parsed.invoice_date,
                issued_at=parsed.invoice_datetime.astimezone(),
                store_name=parsed.store_name,
                store_code=parsed.store_code,
                total_net=parsed.total_ht,
                line_count=len(parsed.lines),
                reconciliation_status="reconciled",
                source_file="x.pdf",
                sha256=parsed.sha256,
            )
            for row in parsed.lines:
                naive_line_load(invoice, parsed, row)
    return time.perf_counter() - started


def naive_line_load(invoice: Invoice, parsed: ParsedInvoice, row: ArticleLine) -> None:
    product, _ = Product.objects.get_or_create(
        natural_key=product_key(row),
        defaults={"ean": row.ean or "", "article_number": row.article_number, "designation": row.designation},
    )
    units = Decimal(row.quantity * (row.colisage or 1))
    line = InvoiceLine(
        invoice=invoice,
        position=row.position,
        kind=LineKind.ARTICLE,
        product=product,
        designation=row.designation,
        unit_price=row.unit_price,
        net_amount=row.amount,
        case_quantity=Decimal(row.quantity),
        unit_quantity=units,
    )
    line.save()
    PurchaseFact(
        line=line,
        product=product,
        invoice=invoice,
        purchase_date=parsed.invoice_date,
        case_quantity=Decimal(row.quantity),
        unit_quantity=units,
        unit_price=row.unit_price,
        case_price=row.unit_price * (row.colisage or 1),
        net_amount=row.amount,
        vat_amount=Decimal(0),
    ).save()
    totals = product.facts.aggregate(
        n=Count("pk"),
        ht=Sum("net_amount"),
        qu=Sum("unit_quantity"),
        pmin=Min("unit_price"),
        pmax=Max("unit_price"),
        last=Max("purchase_date"),
    )
    product.purchase_count, product.total_net = totals["n"], totals["ht"]
    product.total_unit_quantity = totals["qu"]
    product.min_unit_price, product.max_unit_price = totals["pmin"], totals["pmax"]
    product.last_purchase = totals["last"]
    product.save()


def empty_tables() -> None:
    tables = ", ".join(
        model._meta.db_table
        for model in (PurchaseFact, InvoiceLine, Invoice, Product, ImportBatch, StockMovement, StockDay)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables}, metro_stageddocument CASCADE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=400)
    parser.add_argument("--lines", type=int, default=40, help="article lines per invoice")
    parser.add_argument("--products", type=int, default=3000, help="distinct products in the catalogue")
    parser.add_argument("--naive-invoices", type=int, default=20)
    parser.add_argument("--workers", type=int, default=None, help="connections of (aN)")
    parser.add_argument("--runs", type=int, default=3, help="runs of (a) and (aN); the median is kept")
    args = parser.parse_args()
    workers = args.workers or load_workers()

    tenant = Tenant.objects.filter(slug=TENANT["slug"]).first() or tenant_create(**TENANT)
    ours_invoices = synthetic_invoices(args.invoices, args.lines, args.products, seed=1, prefix="901")
    naive_invoices = synthetic_invoices(args.naive_invoices, args.lines, args.products, seed=2, prefix="902")
    runs: dict[str, list[float]] = {"ours": [], "parallel": []}
    cpu: list[tuple[float, float | None]] = []
    with schema_context(tenant.schema_name):
        for _ in range(args.runs):
            empty_tables()
            runs["ours"].append(load_measured(ours_invoices, cpu))
            value_stock()
            empty_tables()
            runs["parallel"].append(load_ours(ours_invoices, workers=workers))
        empty_tables()
        naive_seconds = load_naive(naive_invoices)
        empty_tables()
    report(args, workers, runs, cpu, naive_seconds)


def report(
    args: argparse.Namespace,
    workers: int,
    runs: dict[str, list[float]],
    cpu: list[tuple[float, float | None]],
    naive_seconds: float,
) -> None:
    ours_lines, naive_lines = args.invoices * args.lines, args.naive_invoices * args.lines
    ours_seconds, parallel_seconds = statistics.median(runs["ours"]), statistics.median(runs["parallel"])
    ours_rate, naive_rate = ours_lines / ours_seconds, naive_lines / naive_seconds
    parallel_rate = ours_lines / parallel_seconds
    print(
        f"synthetic invoices of {args.lines} article lines, {args.products} distinct products, "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M}, load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"(a) ours, 1 connection: {ours_lines:>7} lines in {ours_seconds:6.2f} s = "
        f"{ours_rate:>9,.0f} lines/s "
        f"({args.invoices / ours_seconds:,.0f} invoices/s, aggregates included; median of {args.runs}: "
        f"{', '.join(f'{ours_lines / s:,.0f}' for s in runs['ours'])})"
    )
    cpu_report(args, cpu)
    print(
        f"(aN) ours, {workers} connections: {ours_lines:>7} lines in {parallel_seconds:6.2f} s = "
        f"{parallel_rate:>9,.0f} lines/s ({args.invoices / parallel_seconds:,.0f} invoices/s; median of "
        f"{args.runs}: {', '.join(f'{ours_lines / s:,.0f}' for s in runs['parallel'])}; "
        f"{os.cpu_count()} cores)"
    )
    valuation = statistics.median(VALUATION_SECONDS)
    print(f"(v) stock valuation after a load of {ours_lines} lines: {valuation:.2f} s (median)")
    print(f"(b) naive: {naive_lines:>7} lines in {naive_seconds:6.2f} s = {naive_rate:>9,.0f} lines/s")
    print(
        f"ratio (aN)/(a): {parallel_rate / ours_rate:.2f}x; (a)/(b): {ours_rate / naive_rate:.1f}x; "
        f"(aN)/(b): {parallel_rate / naive_rate:.1f}x; target {TARGET:,} lines/s: "
        f"{'met' if max(ours_rate, parallel_rate) >= TARGET else 'NOT met'}"
    )


def cpu_report(args: argparse.Namespace, cpu: list[tuple[float, float | None]]) -> None:
    client_ms = statistics.median(c for c, _ in cpu) / args.invoices * 1e3
    server = [s for _, s in cpu if s is not None]
    if len(server) != len(cpu):
        print(f"    CPU per invoice in (a), median: client {client_ms:.2f} ms (PostgreSQL runs elsewhere)")
        return
    server_ms = statistics.median(server) / args.invoices * 1e3
    cores = os.cpu_count() or 1
    print(
        f"    CPU per invoice in (a), median: client {client_ms:.2f} ms + PostgreSQL {server_ms:.2f} ms; "
        f"{cores} cores busy with nothing else would load at most "
        f"{cores * args.lines * 1000 / (client_ms + server_ms):,.0f} lines/s"
    )


if __name__ == "__main__":
    main()
