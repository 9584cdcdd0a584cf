"""PDF bytes → the upright text lines of each page.

METRO prints every row as one string in a monospaced font, so pypdf's text visitor hands us whole rows
with their position. That is ~10x faster than pdfplumber's per-character layout analysis and, once the
watermark is filtered out, gives the same lines (checked on the whole sample).

Filtering follows DESIGN §5: a rotated "** Duplicata **" watermark (ArialMT under a rotated matrix) and
upright Helvetica spacer glyphs are drawn between the rows; both are dropped.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pypdf import PageObject, PdfReader
from pypdf.errors import FileNotDecryptedError
from pypdf.generic import ArrayObject

from .errors import CorruptPdfError, EncryptedPdfError, NotPdfError, TooComplexError

# Spacer glyphs between rows; never part of the invoice text.
_DROPPED_FONT_MARKERS = ("Helvetica",)
# Rows on the same baseline closer than this (in points) are one line.
_SAME_LINE_TOLERANCE = 1.0
_EPS = 1e-6
# Far beyond any METRO document (at most 6 pages and 16 KB of page content in the corpus), far below what
# holds a parser for minutes: a few KB of PDF can name one stream of megabytes of text operators from
# every page.
MAX_PAGES = 50
MAX_PAGE_CONTENT_BYTES = 256 * 1024
MAX_CONTENT_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class PdfText:
    pages: tuple[tuple[str, ...], ...]

    @property
    def page_count(self) -> int:
        return len(self.pages)


def check_pdf_bytes(data: bytes, filename: str | None) -> None:
    """Reject what is obviously not a PDF before pypdf guesses its way through it."""
    # The spec tolerates junk before the header; 1 KiB is the customary allowance.
    if b"%PDF-" not in data[:1024]:
        raise NotPdfError("not a PDF file (no %PDF- header)", filename=filename)
    # A complete file ends with %%EOF; pypdf would otherwise silently rebuild a truncated one.
    if b"%%EOF" not in data[-2048:]:
        raise CorruptPdfError("truncated PDF (no %%EOF marker at the end of the file)", filename=filename)


def _open_reader(data: bytes, filename: str | None) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except FileNotDecryptedError as exc:
        raise EncryptedPdfError(f"encrypted PDF: {exc}", filename=filename) from exc
    except Exception as exc:
        raise CorruptPdfError(f"unreadable PDF: {type(exc).__name__}: {exc}", filename=filename) from exc
    if reader.is_encrypted:
        # An owner-password-only file opens with the empty user password and is still readable.
        try:
            opened = reader.decrypt("")
        except Exception as exc:
            raise EncryptedPdfError(f"encrypted PDF: {exc}", filename=filename) from exc
        if not opened:
            raise EncryptedPdfError("encrypted PDF: a password is required", filename=filename)
    return reader


def _matrix_product(
    m: Sequence[float], n: Sequence[float]
) -> tuple[float, float, float, float, float, float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


class _PageCollector:
    """Receives pypdf's text fragments for one page and keeps the upright, non-spacer ones."""

    def __init__(self) -> None:
        self.fragments: list[tuple[float, float, str, bool]] = []

    def __call__(self, text: str, cm: Sequence[float], tm: Sequence[float], font: Any, size: float) -> None:
        if not text or not font:
            return
        base_font = str(font.get("/BaseFont", ""))
        if any(marker in base_font for marker in _DROPPED_FONT_MARKERS):
            return
        a, b, c, d, x, y = _matrix_product(tm, cm)
        # Rotated (b, c != 0) or mirrored glyphs are the watermark, never invoice text.
        if abs(b) > _EPS or abs(c) > _EPS or a <= 0 or d <= 0:
            return
        # A fragment rarely spans rows; if it does, each later piece starts a row of its own.
        for offset, piece in enumerate(text.split("\n")):
            if piece or offset == 0:
                self.fragments.append((y, x, piece, offset > 0))

    def lines(self) -> tuple[str, ...]:
        rows: list[tuple[float, list[tuple[float, str]]]] = []
        for y, x, piece, new_row in self.fragments:
            if rows and not new_row and abs(rows[-1][0] - y) < _SAME_LINE_TOLERANCE:
                rows[-1][1].append((x, piece))
            else:
                rows.append((y, [(x, piece)]))
        # Top to bottom, as pdfplumber reads it (stable, so rows split from one fragment keep their order).
        rows.sort(key=lambda row: -round(row[0]))
        out = []
        for _, parts in rows:
            parts.sort(key=lambda part: part[0])
            line = "".join(piece for _, piece in parts).rstrip()
            if line.strip():
                out.append(line)
        return tuple(out)


def _content_bytes(page: PageObject) -> int:
    """The decompressed size of a page's content streams (pypdf caps each decompression itself)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = [part.get_object() for part in contents] if isinstance(contents, ArrayObject) else [contents]
    return sum(len(stream.get_data()) for stream in streams)


def check_size(reader: PdfReader, filename: str | None) -> None:
    """Refuse a document with more pages or page content than any invoice has (TooComplexError)."""
    if len(reader.pages) > MAX_PAGES:
        raise TooComplexError(f"{len(reader.pages)} pages (at most {MAX_PAGES})", filename=filename)
    total = 0
    for number, page in enumerate(reader.pages, start=1):
        size = _content_bytes(page)
        total += size
        if size > MAX_PAGE_CONTENT_BYTES or total > MAX_CONTENT_BYTES:
            raise TooComplexError(
                f"page {number} brings the content to {total} bytes"
                f" (at most {MAX_PAGE_CONTENT_BYTES} per page, {MAX_CONTENT_BYTES} per document)",
                filename=filename,
            )


def extract_text(data: bytes, *, filename: str | None = None) -> PdfText:
    """Return the upright text lines of every page, or raise a :class:`MetroParseError` subclass."""
    check_pdf_bytes(data, filename)
    reader = _open_reader(data, filename)
    pages: list[tuple[str, ...]] = []
    try:
        check_size(reader, filename)
        for page in reader.pages:
            collector = _PageCollector()
            page.extract_text(visitor_text=collector)
            pages.append(collector.lines())
    except TooComplexError:
        raise
    except Exception as exc:  # pypdf raises many types on damaged streams (zlib, KeyError, PdfReadError…)
        raise CorruptPdfError(
            f"cannot read page text: {type(exc).__name__}: {exc}", filename=filename
        ) from exc
    return PdfText(pages=tuple(pages))
