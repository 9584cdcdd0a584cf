"""The shared two-year export: every figure its README states, to the cent."""

from __future__ import annotations

import zipfile
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from sumup_etl import Export, FileKind, IssueCode, Order, read_export


def local(text: str) -> datetime:
    """A naive wall-clock time, as the till writes them (the zone is applied by the loader)."""
    return datetime.fromisoformat(text)


def test_counts(real_export: Export) -> None:
    assert len(real_export.orders) == 7880
    assert real_export.line_count == 19660
    assert len(real_export.products) == 137
    assert sum(1 for _ in real_export.payments()) == 7882
    assert sum(len(order.vat_rows) for order in real_export.orders) == 12738
    assert real_export.cancelled == ()
    assert real_export.refunds == ()
    assert {source.kind: source.rows for source in real_export.files} == {
        FileKind.ORDERS: 7880,
        FileKind.LINES: 19660,
        FileKind.VAT: 12738,
        FileKind.PAYMENTS: 7882,
        FileKind.CANCELLED: 0,
        FileKind.REFUNDS: 0,
    }


def test_totals_to_the_cent(real_export: Export) -> None:
    orders = real_export.orders
    assert real_export.total_ttc == Decimal("339196.60")
    assert sum(order.total_ht for order in orders) == Decimal("295923.06")
    assert sum(order.total_vat for order in orders) == Decimal("43273.54")
    assert sum(line.ca_ttc for line in real_export.lines()) == Decimal("339196.60")
    assert sum(line.ca_ht for line in real_export.lines()) == Decimal("295923.06")
    assert sum(line.discount for line in real_export.lines()) == Decimal("1480.00")


def test_sums_per_vat_rate_taken_from_each_line(real_export: Export) -> None:
    sums: dict[Decimal | None, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for line in real_export.lines():
        row = sums[line.vat_rate]
        row[0] += line.ca_ttc
        row[1] += line.ca_ht
        row[2] += line.vat_amount
    assert dict(sums) == {
        Decimal("10"): [Decimal("158120.60"), Decimal("143745.88"), Decimal("14374.72")],
        Decimal("20"): [Decimal("169937.00"), Decimal("141618.39"), Decimal("28318.61")],
        Decimal("5.5"): [Decimal("11139.00"), Decimal("10558.79"), Decimal("580.21")],
        None: [Decimal(0), Decimal(0), Decimal(0)],  # the two free lines imply no rate
    }
    free = [line for line in real_export.lines() if line.vat_rate is None]
    assert len(free) == 2
    assert all(line.ca_ttc == 0 for line in free)


def test_the_tva_file_rows_fall_in_the_same_three_rates(real_export: Export) -> None:
    rows = Counter(row.vat_rate for order in real_export.orders for row in order.vat_rows)
    assert rows == {Decimal("10"): 6041, Decimal("20"): 5099, Decimal("5.5"): 1598}


@pytest.mark.parametrize(
    ("name", "rate"),
    [("EAU", "5.5"), ("café", "5.5"), ("Oeuf", "5.5"), ("GUINESS", "20"), ("MAFE POISSON FUME", "10")],
)
def test_product_rates(real_export: Export, name: str, rate: str) -> None:
    product = next(product for product in real_export.products if product.name == name)
    assert product.vat_rate == Decimal(rate)
    assert product.vat_rates == (Decimal(rate),)


def test_payments_by_method(real_export: Export) -> None:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    counts: Counter[str] = Counter()
    for payment in real_export.payments():
        totals[payment.method] += payment.amount
        counts[payment.method] += 1
    assert dict(totals) == {
        "Espèces": Decimal("237939.60"),
        "Carte Bancaire": Decimal("88556.00"),
        "Avoir": Decimal("12498.00"),
        "Ticket Restaurant": Decimal("225.00"),
    }
    assert counts == {"Espèces": 5964, "Carte Bancaire": 1672, "Avoir": 234, "Ticket Restaurant": 12}


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        ("2023-01-01 00:00:00", "2023-12-31 23:59:59", 581),
        ("2024-01-01 00:00:00", "2024-12-31 23:59:59", 4243),
        ("2025-01-01 00:00:00", "2025-12-31 23:59:59", 3056),
        # Bounds are inclusive: the first and the last closing times themselves.
        ("2023-11-08 21:13:14", "2023-11-08 21:13:14", 1),
        ("2025-11-08 16:49:51", "2025-11-08 16:49:51", 1),
        ("2023-11-08 21:13:15", "2023-11-08 21:13:23", 0),
    ],
)
def test_orders_closed_in_a_datetime_window(real_export: Export, start: str, end: str, count: int) -> None:
    window = real_export.closed_between(local(start), local(end))
    assert len(window) == count


def test_datetimes_are_naive_local_and_orders_sorted_by_closing(real_export: Export) -> None:
    orders = real_export.orders
    assert orders[0].closed_at == local("2023-11-08 21:13:14")
    assert orders[-1].closed_at == local("2025-11-08 16:49:51")
    assert min(order.opened_at for order in orders) == local("2023-11-08 15:55:41")
    assert all(order.closed_at.tzinfo is None for order in orders)
    assert [order.closed_at for order in orders] == sorted(order.closed_at for order in orders)


def test_first_order_in_full(real_export: Export) -> None:
    order = next(o for o in real_export.orders if o.order_id == "43BE846C-18E1-4F3D-854A-6CB416605850")
    assert (order.name, order.waiter, order.table, order.covers, order.status) == (
        "baladur",
        "Vendeur",
        None,
        1,
        "CLOSE",
    )
    assert (order.total_ttc, order.total_ht, order.total_vat) == (
        Decimal("32.00"),
        Decimal("26.67"),
        Decimal("5.33"),
    )
    assert order.payments_by_method == {"Espèces": Decimal("32.00")}
    guinness = next(line for line in order.lines if line.product == "GUINESS")
    assert (guinness.quantity, guinness.unit_price_ttc, guinness.ca_ttc) == (
        Decimal(2),
        Decimal("12.00"),
        Decimal("24.00"),
    )
    assert (guinness.ca_ht, guinness.vat_amount, guinness.vat_rate) == (
        Decimal("20.00"),
        Decimal("4.00"),
        Decimal(20),
    )
    assert [line.position for line in order.lines] == list(range(1, len(order.lines) + 1))


def test_no_blocking_issue_and_exactly_the_known_warnings(real_export: Export) -> None:
    assert all(order.is_valid for order in real_export.orders)
    assert real_export.issues == ()
    codes = Counter(issue.code for issue in real_export.all_issues())
    # Four lines 10 % under price x quantity with no discount, and two orders paid more than their total.
    assert codes == {IssueCode.UNIT_PRICE_MISMATCH: 4, IssueCode.PAYMENTS_MISMATCH: 2}
    overpaid = {
        order.total_ttc: sum(order.payments_by_method.values())
        for order in real_export.orders
        if any(issue.code is IssueCode.PAYMENTS_MISMATCH for issue in order.issues)
    }
    assert overpaid == {Decimal("47.00"): Decimal("50.00"), Decimal("381.00"): Decimal("400.00")}


def test_chunks_cover_every_order_once_in_order(real_export: Export) -> None:
    chunks = list(real_export.chunks(500))
    assert [len(chunk) for chunk in chunks] == [500] * 15 + [380]
    assert tuple(order for chunk in chunks for order in chunk) == real_export.orders


def test_the_extracted_csvs_read_like_the_zip(
    real_export: Export, real_export_path: Path, tmp_path: Path
) -> None:
    with zipfile.ZipFile(real_export_path) as archive:
        archive.extractall(tmp_path)
    from_csvs = read_export(sorted(tmp_path.glob("*.csv")))
    assert _without_issues(from_csvs) == _without_issues(real_export)
    assert _issue_keys(from_csvs) == _issue_keys(real_export)
    assert from_csvs.products == real_export.products
    from_bytes = read_export([(real_export_path.name, real_export_path.read_bytes())])
    assert from_bytes.orders == real_export.orders


def _without_issues(export: Export) -> list[Order]:
    # Issues name their file, which differs ("x.zip/member.csv" against "member.csv").
    return [replace(order, issues=()) for order in export.orders]


def _issue_keys(export: Export) -> list[tuple[str, str | None, int | None]]:
    return [(issue.code, issue.order_id, issue.line) for issue in export.all_issues()]
