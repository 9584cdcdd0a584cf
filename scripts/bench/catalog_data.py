"""The data of bench_catalog.py: a tenant with a million purchase lines and a million till lines.

Purchases go through the real METRO load path (`invoice_load`: one statement per invoice, two connections),
so that invoices, lines, facts and stock entries are exactly what an import writes; prices per product are
stable with a slow drift, a little noise and now and then a rise (so price alerts are a few per cent of the
purchases, as in life, not half of them). Till sales are written set-based by `generate_series` (orders,
lines, payments, dishes, recipes, and the sale exits the import would write for dishes with a recipe): the
till import is not what is measured, and row by row it would take most of an hour. Then what a batch runs
after its loads (credit-note links, price alerts, aggregates, stock valuation) and two stock counts at the
restaurant for the variance report. Call `generate` with Django set up on the benchmark database.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django_tenants.utils import schema_context

from metro_etl import ParsedInvoice, ReconciliationReport
from scripts.bench.bench_metro_load import synthetic_invoice, synthetic_line

CUSTOMERS = ("135 00000038 01 4 SC", "135 00712188 03 2 SC")  # two customer numbers: two sites
PRODUCTS = 3000
DAYS = 3 * 365
DISHES, DISHES_WITH_RECIPE = 150, 30
CHUNK = 500  # invoices generated and loaded at a time (memory stays flat)


def _catalogue(rng: random.Random) -> list[tuple[tuple[str, str, str, str], Decimal]]:
    """Each product's (ean, article number, designation, VAT code) and its base unit price."""
    return [
        (
            (f"{3000000000000 + n}", f"{1000000 + n:07d}", f"PRODUIT {n} 70CL", rng.choice("ABDE")),
            Decimal(rng.randint(100, 5000)) / 100,
        )
        for n in range(PRODUCTS)
    ]


def _price(rng: random.Random, base: Decimal, day: int) -> Decimal:
    """Base price, +10 % a year, ±2 % of noise, and one purchase in 40 at +8 % (the alerts)."""
    factor = 1 + 0.1 * day / 365 + rng.uniform(-0.02, 0.02) + (0.08 if rng.random() < 0.025 else 0)
    return (base * Decimal(str(round(factor, 4)))).quantize(Decimal("0.01"))


def purchase_invoices(invoices: int, lines: int, *, seed: int = 7) -> Iterator[list[ParsedInvoice]]:
    """Chunks of invoices spread evenly over the last three years, for the two customers in turn."""
    rng = random.Random(seed)
    catalogue = _catalogue(rng)
    first = datetime.combine(date.today() - timedelta(days=DAYS), datetime.min.time())  # noqa: DTZ011
    for start in range(0, invoices, CHUNK):
        chunk = []
        for number in range(start, min(start + CHUNK, invoices)):
            when = first + timedelta(minutes=number * DAYS * 24 * 60 // invoices + 8 * 60)
            day = (when - first).days
            rows = []
            for position in range(1, lines + 1):
                product, base = rng.choice(catalogue)
                row = synthetic_line(rng, product, position)
                price = _price(rng, base, day)
                units = (row.colisage or 1) * (row.quantity or 1)  # synthetic_line sets both
                rows.append(replace(row, unit_price=price, amount=price * units))
            parsed = synthetic_invoice(
                rows=tuple(rows), number=f"0/0(903){number:010d}", when=when, sha256=f"903{number:061d}"
            )
            chunk.append(replace(parsed, customer_number=CUSTOMERS[number % 2]))
        yield chunk


def purchases_load(invoices: int, lines: int) -> float:
    """The invoices through the real loader on two connections; seconds."""
    from tenant_apps.metro.models import ImportBatch, ImportSource
    from tenant_apps.metro.services import invoice_load
    from tenant_apps.metro.services.loading import load_context_build
    from tenant_apps.metro.services.parallel import ConnectionThreads

    batch = ImportBatch.objects.create(source=ImportSource.CLI)
    context = load_context_build()

    def one(parsed: ParsedInvoice) -> object:
        report = ReconciliationReport(parsed.number, True, (), ())
        return invoice_load(
            parsed=parsed,
            report=report,
            sha256=parsed.sha256,
            file_name="bench.pdf",
            batch=batch,
            context=context,
        )

    started = time.perf_counter()
    loaded = 0
    with ConnectionThreads(2) as pool:
        for chunk in purchase_invoices(invoices, lines):
            for future in [pool.submit(partial(one, parsed)) for parsed in chunk]:
                future.result()
            loaded += len(chunk)
            rate = loaded * lines / (time.perf_counter() - started)
            print(f"\r  purchases: {loaded * lines:,} lines ({rate:,.0f} lines/s)", end="", flush=True)
    print()
    return time.perf_counter() - started  # the step's result: its seconds


# Till sales, set-based. Orders alternate two and three lines (2.5 a line on average); closed at lunch or
# dinner, local time; each line a dish, a few with a recipe whose ingredients leave the restaurant's stock.
_DISHES = """
INSERT INTO sales_dish (till_name, name, category, channel, selling_price_ttc, vat_rate, is_active,
    created_at)
SELECT 'PLAT ' || d, 'Plat ' || d, CASE WHEN d %% 5 = 0 THEN 'Boissons' ELSE 'Cuisine' END, 'restaurant',
       (8 + (d * 37) %% 25)::numeric(10, 2), CASE WHEN d %% 5 = 0 THEN 20 ELSE 10 END, true, now()
FROM generate_series(1, %(dishes)s) d
"""
_RECIPES = """
INSERT INTO sales_recipeline (dish_id, product_id, quantity, yield_factor)
SELECT d.id, p.id, (0.05 + (d.id * 7 + k) %% 20 / 100.0)::numeric(12, 4), CASE WHEN k = 1 THEN 1 ELSE 0.9 END
FROM (SELECT id FROM sales_dish ORDER BY id LIMIT %(with_recipe)s) d
CROSS JOIN generate_series(1, 2) k
JOIN LATERAL (SELECT id FROM catalog_product ORDER BY id OFFSET (d.id * 2 + k) %% 60 LIMIT 1) p ON true
"""
_ORDERS = """
INSERT INTO sales_order (till_id, establishment_id, establishment, opened_at, closed_at, name, custom_id,
    waiter, "table", covers, duration, status, total_ttc, total_ht, total_vat, total_paid, forced, issues)
SELECT 'BENCH-' || o, 'E1', 'Bench bistro', c - interval '50 minutes', c, '', '', 'Serveur ' || o %% 7,
       (o %% 40)::text, 1 + o %% 4, interval '50 minutes', 'Terminée', 0, 0, 0, 0, false, '[]'
FROM generate_series(1, %(orders)s) o,
     LATERAL (SELECT ((current_date - %(days)s + (o - 1) * %(days)s / %(orders)s)::timestamp
                      + CASE WHEN o %% 2 = 0 THEN interval '12 hours' ELSE interval '19 hours 30 minutes' END
                      + (o %% 97) * interval '1 minute') AT TIME ZONE 'Europe/Paris' AS c) t
"""
_LINES = """
INSERT INTO sales_orderline (order_id, position, product_name, dish_id, sku, quantity, unit_price_ttc,
    discount, ca_ttc, ca_ht, vat_amount, vat_rate, note, closed_at)
SELECT o.id, k, d.till_name, d.id, '', q, d.selling_price_ttc, 0, q * d.selling_price_ttc,
       round(q * d.selling_price_ttc / (1 + d.vat_rate / 100), 2),
       q * d.selling_price_ttc - round(q * d.selling_price_ttc / (1 + d.vat_rate / 100), 2),
       d.vat_rate, '', o.closed_at
FROM sales_order o
CROSS JOIN LATERAL generate_series(1, 2 + o.id %% 2) k
CROSS JOIN LATERAL (SELECT 1 + (o.id + k) %% 3 / 2 AS q) qty
JOIN sales_dish d ON d.id = (SELECT min(id) FROM sales_dish) + (o.id * 7 + k * 13) %% %(dishes)s
"""
_TOTALS = """
UPDATE sales_order o SET total_ttc = s.ttc, total_ht = s.ht, total_vat = s.ttc - s.ht, total_paid = s.ttc
FROM (SELECT order_id, sum(ca_ttc) AS ttc, sum(ca_ht) AS ht FROM sales_orderline GROUP BY order_id) s
WHERE s.order_id = o.id
"""
_PAYMENTS = """
INSERT INTO sales_orderpayment (order_id, position, method, amount)
SELECT id, 1, CASE WHEN id %% 3 = 0 THEN 'Espèces' ELSE 'Carte Bancaire' END, total_ttc FROM sales_order
"""
_EXITS = """
INSERT INTO stock_stockmovement (site_id, product_id, date, kind, reason, quantity, unit_cost, value, source,
    source_ref, valued, created_at)
SELECT %(site)s, r.product_id, (l.closed_at AT TIME ZONE 'Europe/Paris')::date, 'SORTIE', 'sale',
       -round(l.quantity * r.quantity / r.yield_factor, 3), 0, 0, 'sale', o.till_id || ':' || l.position,
       false, now()
FROM sales_orderline l JOIN sales_order o ON o.id = l.order_id
JOIN sales_recipeline r ON r.dish_id = l.dish_id
"""


def sales_write(sale_lines: int, site_id: int) -> int:
    """The till's orders and lines (`sale_lines` of them), set-based; returns the sale exits written."""
    from tenant_apps.sales.services.daily import daily_sales_rebuild

    orders = sale_lines * 2 // 5
    params = {
        "dishes": DISHES,
        "with_recipe": DISHES_WITH_RECIPE,
        "orders": orders,
        "days": DAYS,
        "site": site_id,
    }
    with connection.cursor() as cursor:
        for statement in (_DISHES, _RECIPES, _ORDERS, _LINES, _TOTALS, _PAYMENTS):
            cursor.execute(statement, params)
        cursor.execute(
            "INSERT INTO sales_tillestablishment (establishment_id, name, site_id) "
            "VALUES ('E1', 'Bench bistro', %s)",
            [site_id],
        )
        cursor.execute(_EXITS, params)
        exits = cursor.rowcount
    # Lines written here, not through the import: their days are summed as an import would keep them.
    daily_sales_rebuild(zone=ZoneInfo("Europe/Paris"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return int(exits)


def counts_record(site_id: int) -> tuple[date, date]:
    """Two counts at the restaurant, 30 and 2 days ago, of the recipes' ingredients and 140 other products."""
    from tenant_apps.catalog.models import Product
    from tenant_apps.stock.models import Site
    from tenant_apps.stock.services import CountLine, stock_count_record

    site = Site.objects.get(pk=site_id)
    products = list(Product.objects.order_by("id").values_list("id", flat=True)[:200])
    days = (date.today() - timedelta(days=30), date.today() - timedelta(days=2))  # noqa: DTZ011
    for offset, day in enumerate(days):
        lines = [CountLine(product_id=p, counted=Decimal(10 + (p + offset) % 50)) for p in products]
        stock_count_record(site=site, day=day, lines=lines, user_id=None)
    return days


def _sales_clear() -> None:
    """What an interrupted sales step left (each statement commits on its own)."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM stock_stockmovement WHERE source = 'sale'")
        for table in ("dailysales", "orderpayment", "orderline", "order", "recipeline", "tillestablishment"):
            cursor.execute(f"DELETE FROM sales_{table}")  # noqa: S608 - our table names
        cursor.execute("DELETE FROM sales_dish")


def _sales_written(sale_lines: int, site_id: int) -> int:
    _sales_clear()
    return sales_write(sale_lines, site_id)


def generate(schema: str, *, invoices: int, lines: int, sale_lines: int) -> None:
    """Each step that is not done yet (a step interrupted before its end is done again)."""
    from tenant_apps.metro.models import Invoice
    from tenant_apps.metro.services import aggregates_refresh
    from tenant_apps.metro.services.loading import credit_notes_link
    from tenant_apps.metro.services.price_alerts import price_alerts_detect
    from tenant_apps.sales.models import OrderLine
    from tenant_apps.stock.models import Site, StockCount
    from tenant_apps.stock.valuation import stock_valuation_refresh

    with schema_context(schema):
        with connection.cursor() as cursor:  # set-based steps over a million rows outlast the 30 s default
            cursor.execute("SET statement_timeout = 0")
        steps: list[tuple[str, Any]] = []
        if not Invoice.objects.exists():
            steps += [
                ("purchases", partial(purchases_load, invoices, lines)),
                ("credit notes", credit_notes_link),
            ]
            steps += [("price alerts", price_alerts_detect), ("aggregates", aggregates_refresh)]

        def first_site() -> int:  # looked up when the step runs: the purchases step creates the sites
            return int(Site.objects.order_by("id").values_list("id", flat=True)[0])

        if not OrderLine.objects.exists():
            steps += [("sales", lambda: _sales_written(sale_lines, first_site()))]
        steps.append(("valuation", stock_valuation_refresh))
        if not StockCount.objects.exists():
            steps.append(("counts", lambda: counts_record(first_site())))
        if len(steps) > 1:  # what autovacuum does after such loads, done now: visibility maps, statistics
            steps.append(("vacuum", _vacuum))
        for name, step in steps:
            started = time.perf_counter()
            result = step()
            print(f"  {name}: {result} in {time.perf_counter() - started:.1f} s", flush=True)


def _vacuum() -> str:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return "done"
