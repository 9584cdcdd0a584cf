"""The journals of a period as entries, the FEC file streamed from them, and per-journal totals.

Entries come journal by journal (purchases, then sales), each in date order and numbered with no gap
from 1 at the fiscal year's first day: the FEC asks for a continuous sequence per journal over the fiscal
year, so a file of part of the year starts at the number its first entry has in the whole year's file.
Nothing is stored: the same period exported twice gives the same file, as long as its documents have not
changed.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from tenant_apps.expenses.selectors import expense_vat_lines
from tenant_apps.metro.selectors import ledger_documents
from tenant_apps.sales.selectors import daily_takings

from .. import fec
from ..chart import supplier_key
from ..entries import Entry, Journal, expense_entry, purchase_entry, sales_entry, supplier_labels
from .accounts import accounts_resolve

# Entries whose accounts are resolved at once: bounded memory, a handful of queries per file.
BATCH = 500


@dataclass(slots=True)
class JournalTotal:
    code: str
    label: str
    entries: int = 0
    debit: Decimal = Decimal("0.00")
    credit: Decimal = Decimal("0.00")


def metro_entries(*, start: date, end: date, zone: ZoneInfo) -> Iterator[Entry]:
    for doc in ledger_documents(start=start, end=end):
        entry = purchase_entry(doc, valid_date=doc.imported_at.astimezone(zone).date())
        if entry is not None:
            yield entry


def expense_entries(*, start: date, end: date, zone: ZoneInfo) -> Iterator[Entry]:
    lines = expense_vat_lines(start=start, end=end)
    labels = supplier_labels(lines)
    entries = (expense_entry(line, supplier_label=labels[supplier_key(line.supplier)]) for line in lines)
    # The merge below needs each source in its own key order; a period's expenses are few enough to sort.
    yield from sorted((e for e in entries if e is not None), key=_merge_key)


def _merge_key(entry: Entry) -> tuple[date, str]:
    return entry.day, entry.piece_ref


# The purchases journal's sources, each yielding its entries by date. Other suppliers' invoices join here:
# one more function, merged by date with the others.
PURCHASE_SOURCES: tuple[Callable[..., Iterator[Entry]], ...] = (metro_entries, expense_entries)


def journal_entries(*, start: date, end: date, zone: ZoneInfo) -> Iterator[Entry]:
    """Every entry of [start, end]: the purchases journal, then the sales journal, each by date."""
    sources = (source(start=start, end=end, zone=zone) for source in PURCHASE_SOURCES)
    yield from heapq.merge(*sources, key=_merge_key)
    for takings in daily_takings(start=start, end=end, zone=zone):
        imported = takings.imported_at.astimezone(zone).date() if takings.imported_at else takings.day
        entry = sales_entry(takings, valid_date=imported)
        if entry is not None:
            yield entry


def _batches(entries: Iterator[Entry]) -> Iterator[list[Entry]]:
    batch: list[Entry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _entries_before(*, numbered_from: date, start: date, zone: ZoneInfo) -> dict[str, int]:
    """Per journal, how many entries the fiscal year holds before the period (none when it starts it)."""
    counts: dict[str, int] = {}
    if numbered_from < start:
        for entry in journal_entries(start=numbered_from, end=start - timedelta(days=1), zone=zone):
            counts[entry.journal[0]] = counts.get(entry.journal[0], 0) + 1
    return counts


def fec_stream(
    *, start: date, end: date, zone: ZoneInfo, numbered_from: date | None = None
) -> Iterator[bytes]:
    """The FEC file of [start, end], a chunk of lines at a time; entries numbered per journal from
    `numbered_from` (the fiscal year's first day; by default `start`)."""
    yield fec.header()
    numbers = _entries_before(numbered_from=numbered_from or start, start=start, zone=zone)
    for batch in _batches(journal_entries(start=start, end=end, zone=zone)):
        accounts = accounts_resolve({p.key for entry in batch for p in entry.postings})
        chunk: list[bytes] = []
        for entry in batch:
            code = entry.journal[0]
            numbers[code] = numbers.get(code, 0) + 1
            number = f"{code}{numbers[code]:06d}"
            chunk.extend(fec.entry_lines(entry, number=number, accounts=accounts))
        yield b"".join(chunk)


def journal_totals(*, start: date, end: date, zone: ZoneInfo) -> list[JournalTotal]:
    """Per journal, its entry count and Σ debit / Σ credit over [start, end] (equal when balanced)."""
    totals = {code: JournalTotal(code, label) for code, label in (Journal.PURCHASES, Journal.SALES)}
    for entry in journal_entries(start=start, end=end, zone=zone):
        total = totals[entry.journal[0]]
        total.entries += 1
        for posting in entry.postings:
            if posting.amount > 0:
                total.debit += posting.amount
            else:
                total.credit -= posting.amount
    return list(totals.values())
