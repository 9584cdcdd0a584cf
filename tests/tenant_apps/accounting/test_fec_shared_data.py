"""The FEC of the team's real data: the METRO sample and the SumUp export, imported as the commands do.

Each year's file balances entry by entry, numbers each journal without a gap in date order, and carries
exactly the VAT the documents print: the invoices' VAT tables (expected.csv) and the till's VAT lines.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from sumup_etl import Export
from tenant_apps.accounting.fec import COLUMNS
from tests.factories.metro import import_samples
from tests.metro_etl.conftest import metro_dir

from .conftest import FecRow, Importer, export, fec_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

# The default chart: VAT and revenue accounts by rate.
DEDUCTIBLE = {"445662": "5.50", "445663": "10.00", "445664": "20.00"}
PURCHASES = {"409600": "0.00", "607055": "5.50", "607010": "10.00", "607020": "20.00"}
COLLECTED = {"445712": "5.50", "445713": "10.00", "445714": "20.00"}
SALES = {"707055": "5.50", "707010": "10.00", "707020": "20.00"}
PAYMENTS = {"530000": "Espèces", "511500": "Carte Bancaire", "419100": "Avoir", "511600": "Ticket Restaurant"}


def _by(rows: list[FecRow], accounts: dict[str, str], *, credit: bool = False) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.account in accounts:
            sums[accounts[row.account]] += (row.credit - row.debit) if credit else (row.debit - row.credit)
    return {key: value for key, value in sums.items() if value}


def _printed_tables(year: int) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """Σ HT and Σ TVA per rate of the VAT tables printed on the sample's documents of `year`."""
    ht: dict[str, Decimal] = defaultdict(Decimal)
    tva: dict[str, Decimal] = defaultdict(Decimal)
    with (metro_dir() / "expected.csv").open(encoding="utf-8") as handle:
        for doc in csv.DictReader(handle):
            if not doc["invoice_date"].startswith(str(year)) or not doc["vat_breakdown"]:
                continue
            for part in doc["vat_breakdown"].split("|"):
                _code, rate, net, vat, _ttc = part.split(":")
                ht[rate] += Decimal(net)
                tva[rate] += Decimal(vat)
    return {k: v for k, v in ht.items() if v}, {k: v for k, v in tva.items() if v}


def _check_entries(rows: list[FecRow]) -> None:
    """Every entry balances; each journal is numbered 1..n without a gap, in date order."""
    by_entry: dict[str, list[FecRow]] = defaultdict(list)
    for row in rows:
        by_entry[row.number].append(row)
    for number, lines in by_entry.items():
        assert sum(r.debit for r in lines) == sum(r.credit for r in lines), number
        assert len({(r.journal, r.date, r.piece) for r in lines}) == 1, number
        assert all(r.debit >= 0 and r.credit >= 0 and (r.debit == 0 or r.credit == 0) for r in lines)
        assert all(r.valid_date >= r.date for r in lines)
    for journal in {row.journal for row in rows}:
        numbers = list(dict.fromkeys(r.number for r in rows if r.journal == journal))
        assert numbers == [f"{journal}{n:06d}" for n in range(1, len(numbers) + 1)]
        dates = [by_entry[n][0].date for n in numbers]
        assert dates == sorted(dates)


def test_purchases_journal_balances_and_charges_the_printed_vat_tables(
    with_siren: Client, tenant_a: Tenant
) -> None:
    result = import_samples(tenant_a)
    assert result.overall == "complete"
    for year in range(2020, 2026):
        response = export(with_siren, annee=year)
        assert response.status_code == 200
        header, rows = fec_rows(b"".join(response.streaming_content))
        assert header == list(COLUMNS)
        _check_entries(rows)
        assert {r.journal for r in rows} <= {"AC"}
        printed_ht, printed_tva = _printed_tables(year)
        assert _by(rows, DEDUCTIBLE) == printed_tva, year
        assert _by(rows, PURCHASES) == printed_ht, year
        supplier = [r for r in rows if r.account == "401000"]
        assert supplier
        assert all(r.aux == "METRO" for r in supplier)


def test_purchases_journal_reverses_credit_notes(with_siren: Client, tenant_a: Tenant) -> None:
    import_samples(tenant_a, "135_12_329014")  # the credit note of 2024-03-11, printed negative
    _header, rows = fec_rows(b"".join(export(with_siren, annee=2024).streaming_content))
    assert {r.piece for r in rows} == {"0/0(135)0012/010264"}
    supplier = next(r for r in rows if r.account == "401000")
    assert (supplier.debit, supplier.credit) == (Decimal("3464.25"), Decimal("0.00"))
    assert _by(rows, DEDUCTIBLE, credit=True) == {
        "5.50": Decimal("20.22"),
        "20.00": Decimal("512.72"),
    }


def test_sales_journal_balances_and_charges_the_tills_vat_lines(
    with_siren: Client, tenant_a: Tenant, real_export: Export, import_at: Importer
) -> None:
    import_at(tenant_a, export=real_export)
    paid_total = Decimal(0)
    for year in (2023, 2024, 2025):
        response = export(with_siren, annee=year)
        _header, rows = fec_rows(b"".join(response.streaming_content))
        _check_entries(rows)
        assert {r.journal for r in rows} == {"VT"}
        orders = [o for o in real_export.orders if o.closed_at.year == year]
        till_vat: dict[str, Decimal] = defaultdict(Decimal)
        till_ht: dict[str, Decimal] = defaultdict(Decimal)
        for row in (vat_row for order in orders for vat_row in order.vat_rows):
            till_vat[f"{row.vat_rate:.2f}"] += row.vat_amount
            till_ht[f"{row.vat_rate:.2f}"] += row.ca_ht
        assert _by(rows, COLLECTED, credit=True) == dict(till_vat), year
        assert _by(rows, SALES, credit=True) == dict(till_ht), year
        paid: dict[str, Decimal] = defaultdict(Decimal)
        for payment in (p for order in orders for p in order.payments):
            paid[payment.method] += payment.amount
        assert _by(rows, PAYMENTS) == dict(paid), year
        paid_total += sum(paid.values())
        days = {o.closed_at.date() for o in orders}
        assert len({r.number for r in rows}) == len(days)
    # The two orders paid beyond their price (the export's README): 22.00 of cash over in all.
    assert paid_total - Decimal("339196.60") == Decimal("22.00")
