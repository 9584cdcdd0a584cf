"""Public entry point: a METRO PDF (path or bytes) → :class:`ParsedInvoice`."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from .body import BodyParser, BodyResult
from .errors import (
    InternalParseError,
    MalformedInvoiceError,
    MetroParseError,
    NotMetroInvoiceError,
    TooComplexError,
    UnreadableFileError,
)
from .header import PageSplit, doc_type_for, find_title, printed_label, split_page
from .models import ParsedInvoice
from .text import PdfText, extract_text


def parse_invoice(source: Path | bytes, *, filename: str | None = None) -> ParsedInvoice:
    """Parse one METRO document.

    Raises only :class:`MetroParseError` subclasses; ``err.code`` says what went wrong.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        path = Path(source)
        filename = filename or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableFileError(f"cannot read file: {exc.strerror or exc}", filename=filename) from exc
    try:
        return parse_text(extract_text(data, filename=filename), sha256=_sha256(data), filename=filename)
    except MetroParseError:
        raise
    except MemoryError as exc:  # under a memory budget (a sandboxed parse), the file is too much
        raise TooComplexError("the file needs more memory than its budget", filename=filename) from exc
    except Exception as exc:
        # A bug must not take down a batch of 500 files; it is reported with the file it happened on.
        raise InternalParseError(f"unexpected {type(exc).__name__}: {exc}", filename=filename) from exc


def parse_text(text: PdfText, *, sha256: str, filename: str | None = None) -> ParsedInvoice:
    """Build the invoice from already extracted page lines (useful for tests and other extractors)."""
    if not text.pages or not any(text.pages):
        raise NotMetroInvoiceError("the PDF has no text layer", filename=filename)
    title = find_title(text.pages[0], filename)
    if not any("METRO" in line for line in text.pages[0]):
        raise NotMetroInvoiceError("no METRO store header on the first page", filename=filename)
    number = title.group("number")
    label = title.group("label")
    doc_type = doc_type_for(label, number, filename)

    splits = [split_page(lines, index, filename) for index, lines in enumerate(text.pages)]
    first = splits[0].header
    if first.invoice_datetime is None:
        raise MalformedInvoiceError("no 'Date facture' in the header", filename=filename)
    if not first.store_name:
        raise MalformedInvoiceError("no store name in the header", filename=filename)
    body = _parse_body(splits)
    totals = body.totals_row
    return ParsedInvoice(
        doc_type=doc_type,
        doc_label=printed_label(label),
        number=number,
        referenced_invoice_number=_first(s.referenced_number for s in splits),
        recalled_invoice_number=_first(s.recalled_number for s in splits),
        ticket=title.group("ticket"),
        invoice_date=first.invoice_datetime.date(),
        invoice_datetime=first.invoice_datetime,
        store_name=first.store_name,
        store_code=number[4:7],
        customer_number=_first(s.customer_number for s in splits),
        pages=text.page_count,
        lines=tuple(body.lines),
        cotis_lines=tuple(body.cotis),
        discount_lines=tuple(body.discounts),
        info_lines=tuple(body.infos),
        down_payment_lines=tuple(body.down_payments),
        category_totals=tuple(body.categories),
        vat_rows=tuple(body.vat_rows),
        total_ht=totals[0] if totals else body.total_ht_line,
        total_tva=totals[1] if totals else None,
        total_ttc=totals[2] if totals else None,
        total_a_payer=body.total_a_payer,
        total_ht_line=body.total_ht_line,
        montant_hors_tva=body.montant_hors_tva,
        page_headers=tuple(s.header for s in splits),
        unparsed_lines=tuple(body.unparsed),
        sha256=sha256,
        filename=filename,
    )


def _parse_body(splits: list[PageSplit]) -> BodyResult:
    parser = BodyParser()
    for page_no, split in enumerate(splits, start=1):
        for line in split.body:
            parser.feed(line, page_no)
    return parser.finish()


def _first(values: Iterable[str | None]) -> str | None:
    return next((value for value in values if value), None)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
