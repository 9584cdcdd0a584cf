"""The block every page repeats: title, number, store, page counter, dates, customer.

The header ends at the second full-width dash rule (after the customer's address block). What follows
(an optional "Mise en attente" notice and the article table's column titles) is also page furniture.
Customer names and addresses live in this block: they are skipped, never stored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from . import patterns as p
from .errors import MalformedInvoiceError, NotMetroInvoiceError, UnsupportedDocumentError
from .models import DocType, PageHeader

_LABELS: dict[str, DocType] = {
    "Nº FACTURE": DocType.INVOICE,
    "AVOIR": DocType.CREDIT_NOTE,
    "AVOIR CONSIGNE": DocType.DEPOSIT_REFUND,
    "FACTURE D'ACOMPTE": DocType.DOWN_PAYMENT_INVOICE,
    "REMBOURSEMENT D'UN FACTURE D'ACOMPTE": DocType.DOWN_PAYMENT_REFUND,
}
# How far down the first page the title may appear before we decide this is not a METRO document.
_TITLE_SEARCH_LINES = 3
_HEADER_SEARCH_LINES = 40


@dataclass(frozen=True, slots=True)
class PageSplit:
    header: PageHeader
    body: tuple[str, ...]
    has_table_header: bool
    referenced_number: str | None
    recalled_number: str | None
    customer_number: str | None
    title_label: str | None
    ticket: str | None


def _normalise_label(label: str) -> str:
    text = re.sub(r"\s+", " ", label).strip().rstrip(":").strip().upper()
    return text.replace("N°", "Nº")


def doc_type_for(label: str, number: str, filename: str | None) -> DocType:
    doc_type = _LABELS.get(_normalise_label(label))
    if doc_type is None:
        raise UnsupportedDocumentError(f"unknown METRO document type {label!r}", filename=filename)
    # The down-payment credit note prints the same "Avoir" title; only its 6/ number tells it apart.
    if doc_type is DocType.CREDIT_NOTE and number.startswith("6/"):
        return DocType.DOWN_PAYMENT_CREDIT_NOTE
    return doc_type


def printed_label(label: str) -> str:
    """The title as printed, without the trailing colon of ``AVOIR Consigne :``."""
    return re.sub(r"\s+", " ", label).strip().rstrip(":").strip()


def find_title(first_page: tuple[str, ...], filename: str | None) -> re.Match[str]:
    for line in first_page[:_TITLE_SEARCH_LINES]:
        match = p.TITLE.match(line)
        if match and match.group("label"):
            return match
    raise NotMetroInvoiceError("no METRO invoice title and number on the first page", filename=filename)


def _header_end(lines: tuple[str, ...]) -> int:
    """Index of the first line after the customer block (the second dash rule)."""
    rules = 0
    for index, line in enumerate(lines[:_HEADER_SEARCH_LINES]):
        if p.DASH_RULE.match(line):
            rules += 1
            if rules == 2:
                return index + 1
    return -1


def split_page(lines: tuple[str, ...], page_index: int, filename: str | None) -> PageSplit:
    end = _header_end(lines)
    if end < 0:
        raise MalformedInvoiceError(f"page {page_index + 1}: header block not found", filename=filename)
    head = lines[:end]
    page_no = page_count = None
    number = store = customer = reference = label = ticket = None
    when: datetime | None = None
    for line in head:
        if number is None and (title := p.TITLE.match(line)):
            number, label, ticket = title.group("number"), title.group("label"), title.group("ticket")
        if reference is None and (ref := p.REFERENCE.search(line)):
            reference = ref.group("number")
        if store is None and (st := p.STORE.search(line)):
            store = st.group("store").strip()
        if page_no is None and (pg := p.PAGE.search(line)):
            page_no, page_count = int(pg.group("no")), int(pg.group("count"))
        if when is None and (dt := p.INVOICE_DATE.search(line)):
            when = _to_datetime(dt, filename)
        if customer is None and (cu := p.CUSTOMER.search(line)):
            customer = cu.group("customer")
    body_start, has_table, recalled = _skip_furniture(lines, end)
    return PageSplit(
        header=PageHeader(page_no, page_count, number, store, when),
        body=lines[body_start:],
        has_table_header=has_table,
        referenced_number=reference,
        recalled_number=recalled,
        customer_number=customer,
        title_label=label,
        ticket=ticket,
    )


def _skip_furniture(lines: tuple[str, ...], start: int) -> tuple[int, bool, str | None]:
    """Step over the "Mise en attente" notice and the table's column titles below the header."""
    index, has_table, recalled = start, False, None
    while index < len(lines):
        line = lines[index]
        if recall := p.RECALLED.search(line):
            recalled = recall.group("number")
        elif p.TABLE_HEADER.match(line):
            has_table = True
        elif not (p.TABLE_HEADER_2.match(line) or p.DASH_RULE.match(line)):
            break
        index += 1
    return index, has_table, recalled


def _to_datetime(match: re.Match[str], filename: str | None) -> datetime:
    try:
        # METRO prints French wall-clock time without a zone; the loader decides how to make it aware.
        return datetime(  # noqa: DTZ001
            int(match.group("y")),
            int(match.group("m")),
            int(match.group("d")),
            int(match.group("hh") or 0),
            int(match.group("mi") or 0),
        )
    except ValueError as exc:
        raise MalformedInvoiceError(f"invalid invoice date {match.group(0)!r}", filename=filename) from exc
