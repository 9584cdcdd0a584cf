"""Anything that is not a readable METRO invoice fails with a MetroParseError and a stable code."""

from __future__ import annotations

import io
import pickle
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from metro_etl import (
    MetroParseError,
    ParsedInvoice,
    TooComplexError,
    UnsupportedDocumentError,
    parse_invoice,
    parse_many,
    reconcile,
)
from metro_etl.errors import ERROR_CODES, CorruptPdfError
from metro_etl.parser import parse_text
from metro_etl.text import MAX_PAGES, PdfText
from tests.support.hostile_pdf import hostile_pdf


def minimal_pdf(*rows: str) -> bytes:
    """A valid one-page PDF, written by hand, that prints ``rows`` in Courier."""
    text = b"".join(
        b"1 0 0 1 40 %d Tm (%s) Tj " % (800 - 12 * index, row.encode("cp1252"))
        for index, row in enumerate(rows)
    )
    stream = b"BT /F1 10 Tf " + text + b"ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def encrypted(data: bytes, *, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="owner-secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def good_bytes(invoice_file: Callable[[str], Path]) -> bytes:
    return invoice_file("135_16_170246").read_bytes()


def _code(data: bytes) -> str:
    with pytest.raises(MetroParseError) as caught:
        parse_invoice(data, filename="upload.pdf")
    assert caught.value.filename == "upload.pdf"
    assert caught.value.message
    return caught.value.code


@pytest.mark.parametrize(
    "data", [b"", b"hello, not a PDF", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, b"PK\x03\x04zipfile"]
)
def test_not_a_pdf(data: bytes) -> None:
    assert _code(data) == "not_pdf"


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.95])
def test_truncated_pdf_is_corrupt(good_bytes: bytes, fraction: float) -> None:
    assert _code(good_bytes[: int(len(good_bytes) * fraction)]) == "corrupt"


def test_truncated_pdf_with_a_forged_end_marker_is_corrupt(good_bytes: bytes) -> None:
    assert _code(good_bytes[: len(good_bytes) // 2] + b"\n%%EOF\n") == "corrupt"


def test_garbage_between_header_and_end_marker_is_corrupt() -> None:
    assert _code(b"%PDF-1.7\n" + b"garbage " * 500 + b"\n%%EOF\n") == "corrupt"


def test_encrypted_pdf(good_bytes: bytes) -> None:
    assert _code(encrypted(good_bytes, user_password="secret")) == "encrypted"


def test_pdf_with_only_an_owner_password_is_still_read(good_bytes: bytes) -> None:
    invoice = parse_invoice(encrypted(good_bytes, user_password=""))

    assert invoice.number == parse_invoice(good_bytes).number


def test_pdf_without_text_is_not_a_metro_invoice() -> None:
    assert _code(blank_pdf()) == "not_metro_invoice"


def test_other_text_pdf_is_not_a_metro_invoice() -> None:
    assert _code(minimal_pdf("Quarterly report", "Revenue 1 234,56 EUR")) == "not_metro_invoice"


def test_metro_title_without_the_page_structure_is_malformed() -> None:
    assert _code(minimal_pdf("Nº FACTURE   0/0(135)0011/032813", "METRO France")) == "malformed_invoice"


def test_unknown_metro_document_type() -> None:
    text = PdfText(
        pages=(("BON DE LIVRAISON   0/0(135)0011/032813", "METRO France   ①⑮  METRO LA CHAPELLE"),)
    )

    with pytest.raises(UnsupportedDocumentError) as caught:
        parse_text(text, sha256="0" * 64)
    assert caught.value.code == "unsupported_document"


@settings(max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    damage=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=30
    )
)
def test_damaged_bytes_never_escape_as_another_exception(
    good_bytes: bytes, damage: list[tuple[float, int]]
) -> None:
    data = bytearray(good_bytes)
    for where, value in damage:
        data[int(where * len(data))] = value

    outcome = parse_one_bytes(bytes(data))

    assert isinstance(outcome, ParsedInvoice | MetroParseError)
    if isinstance(outcome, MetroParseError):
        assert outcome.code != "internal_error", str(outcome)
    else:
        reconcile(outcome)  # a damaged file that still parses is judged by reconciliation, not by a crash


def parse_one_bytes(data: bytes) -> ParsedInvoice | MetroParseError:
    try:
        return parse_invoice(data)
    except MetroParseError as error:
        return error


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(MetroParseError) as caught:
        parse_invoice(tmp_path / "absent.pdf")
    assert caught.value.code == "unreadable"
    assert caught.value.filename == "absent.pdf"


def test_errors_survive_pickling_between_processes() -> None:
    error = CorruptPdfError("truncated", filename="a.pdf")

    clone = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object, round trip only

    assert (type(clone), clone.code, clone.message, clone.filename) == (
        CorruptPdfError,
        "corrupt",
        "truncated",
        "a.pdf",
    )
    assert "[corrupt]" in str(clone)


def test_error_codes_are_distinct() -> None:
    assert len(ERROR_CODES) == len(MetroParseError.__subclasses__()) + 1


def test_parse_many_returns_every_result_in_order(
    tmp_path: Path, invoice_file: Callable[[str], Path], good_bytes: bytes
) -> None:
    bad = {
        "notes.txt": b"not a pdf at all",
        "cut.pdf": good_bytes[: len(good_bytes) // 3],
        "locked.pdf": encrypted(good_bytes, user_password="secret"),
        "report.pdf": minimal_pdf("Quarterly report"),
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    good = [invoice_file("135_16_170246"), invoice_file("135_12_329014"), invoice_file("135_3_17894")]
    paths = [good[0], tmp_path / "notes.txt", good[1], tmp_path / "cut.pdf", tmp_path / "locked.pdf"]
    paths += [tmp_path / "missing.pdf", tmp_path / "report.pdf", good[2]]

    results = parse_many(paths, workers=2)

    outcome = [r.number if isinstance(r, ParsedInvoice) else r.code for r in results]
    assert outcome == [
        "0/0(135)0016/021678",
        "not_pdf",
        "0/0(135)0012/010264",
        "corrupt",
        "encrypted",
        "unreadable",
        "not_metro_invoice",
        "6/0(135)0003/000142",
    ]
    errors = [r for r in results if isinstance(r, MetroParseError)]
    assert [e.filename for e in errors] == ["notes.txt", "cut.pdf", "locked.pdf", "missing.pdf", "report.pdf"]


def test_parse_many_single_worker_and_empty_input(invoice_file: Callable[[str], Path]) -> None:
    path = invoice_file("135_16_170246")

    assert parse_many([]) == []
    assert parse_many([path], workers=1) == [parse_invoice(path)]


def test_parse_many_takes_content_in_memory_as_name_and_bytes(invoice_file: Callable[[str], Path]) -> None:
    path = invoice_file("135_12_329014")
    items: list[Path | tuple[str, bytes]] = [
        ("upload-1.pdf", path.read_bytes()),
        ("notes.pdf", b"not a pdf"),
        path,
    ]

    results = parse_many(items, workers=2)

    first, error, last = results
    assert isinstance(first, ParsedInvoice)
    assert isinstance(last, ParsedInvoice)
    assert first == replace(last, filename="upload-1.pdf")  # the name given, not a path's
    assert last == parse_invoice(path)
    assert isinstance(error, MetroParseError)
    assert (error.code, error.filename) == ("not_pdf", "notes.pdf")


def test_a_small_pdf_whose_pages_share_megabytes_of_content_is_too_complex() -> None:
    data = hostile_pdf(pages=30, content_bytes=3_000_000)
    assert len(data) < 20_000
    with pytest.raises(TooComplexError):
        parse_invoice(data, filename="hostile.pdf")


def test_a_pdf_with_more_pages_than_any_invoice_is_too_complex() -> None:
    with pytest.raises(TooComplexError):
        parse_invoice(hostile_pdf(pages=MAX_PAGES + 1, content_bytes=100), filename="long.pdf")
