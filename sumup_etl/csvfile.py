"""One CSV of the export: bytes → text → header → typed rows, or a :class:`SumupParseError`.

Nothing of a file is returned unless all of it parsed.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .archive import RawFile
from .columns import HEADERS, SPECS, Row, Spec
from .errors import (
    BadValueError,
    EncodingError,
    MalformedCsvError,
    MissingColumnError,
    NotSumupExportError,
)
from .models import FileKind, SourceFile
from .values import normalize_header

# A header must share at least this share of a kind's columns (Jaccard) to be recognised from content.
_MATCH_THRESHOLD = 0.5
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")
_NAME_KIND = re.compile(r"(produits-rembourses|produits|totaux|tva|paiements|annul[ée]s)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedCsv:
    source: SourceFile
    rows: tuple[Row, ...]  # each with a "source_line" key besides the spec's fields


def parse_csv(raw: RawFile, *, max_field_chars: int, encoding: str | None = None) -> ParsedCsv:
    text, used_encoding = decode(raw, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"', strict=True)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            raise NotSumupExportError("empty file: no header row", filename=raw.name)
        kind = identify(header, raw.name)
        rows = tuple(_rows(reader, header, kind, raw.name, max_field_chars))
    except csv.Error as exc:
        raise MalformedCsvError(f"broken CSV: {exc}", filename=raw.name, line=reader.line_num) from exc
    source = SourceFile(
        name=raw.name,
        kind=kind,
        encoding=used_encoding,
        rows=len(rows),
        size=len(raw.data),
        sha256=hashlib.sha256(raw.data).hexdigest(),
    )
    return ParsedCsv(source=source, rows=rows)


def decode(raw: RawFile, encoding: str | None) -> tuple[str, str]:
    """The file's text and the encoding used: the declared one, else a BOM's, else UTF-8, else cp1252."""
    data = raw.data
    if encoding is None:
        if data.startswith(codecs.BOM_UTF8):
            encoding = "utf-8-sig"
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            encoding = "utf-16"
        elif b"\x00" in data[:4096]:
            raise NotSumupExportError("binary content (NUL bytes), not a CSV", filename=raw.name)
    try:
        return _decode(data, encoding or "utf-8"), encoding or "utf-8"
    except LookupError as exc:
        raise EncodingError(f"unknown encoding {encoding!r}", filename=raw.name) from exc
    except UnicodeDecodeError as exc:
        # Spreadsheets re-save CSVs as Windows-1252, whose accented letters are not valid UTF-8. A file that
        # also holds UTF-8 sequences is damaged UTF-8 instead: reading it as cp1252 would garble every accent.
        if encoding is not None or _UTF8_SEQUENCE.search(data):
            raise _encoding_error(raw, encoding or "utf-8", exc) from exc
    try:
        return _decode(data, "cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        raise _encoding_error(raw, "UTF-8 or Windows-1252", exc) from exc


def _decode(data: bytes, encoding: str) -> str:
    return unicodedata.normalize("NFC", data.decode(encoding))


def _encoding_error(raw: RawFile, encoding: str, exc: UnicodeDecodeError) -> EncodingError:
    line = raw.data[: exc.start].count(b"\n") + 1
    byte = raw.data[exc.start : exc.start + 1].hex()
    return EncodingError(f"not {encoding} text (byte 0x{byte})", filename=raw.name, line=line)


def identify(header: list[str], filename: str) -> FileKind:
    """The kind of file: a header with every column of a kind is that kind, whatever the file's name.

    A header lacking columns is taken for what its file name says (so the error names the right file
    kind and the columns it lacks), else for the kind it resembles most, if it resembles one at all.
    """
    names = {normalize_header(cell) for cell in header}
    complete = [kind for kind, columns in HEADERS.items() if columns <= names]
    if complete:
        return min(complete, key=lambda kind: len(names - HEADERS[kind]))
    named = _NAME_KIND.search(unicodedata.normalize("NFC", filename.rsplit("/", 1)[-1]))
    if named is not None:
        kind = FileKind(named.group(1).lower().replace("annules", "annulés"))
    else:
        scores = {kind: len(names & columns) / len(names | columns) for kind, columns in HEADERS.items()}
        kind = max(scores, key=lambda candidate: scores[candidate])
        if scores[kind] < _MATCH_THRESHOLD:
            raise NotSumupExportError(_unknown_header(header), filename=filename, line=1)
    missing = sorted(HEADERS[kind] - names)
    raise MissingColumnError(
        f"the {kind.value} file lacks column(s) {', '.join(missing)}",
        filename=filename,
        line=1,
        column=missing[0],
    )


def _unknown_header(header: list[str]) -> str:
    if len(header) == 1 and ("," in header[0] or "\t" in header[0]):
        return "not a ';'-separated file: SumUp exports separate columns with ';'"
    shown = ", ".join(repr(cell[:30]) for cell in header[:6])
    return f"not a SumUp orders export: unknown header ({shown}{', …' if len(header) > 6 else ''})"


def _rows(
    reader: Any, header: list[str], kind: FileKind, filename: str, max_field_chars: int
) -> Iterator[Row]:
    spec = SPECS[kind]
    index = {normalize_header(cell): position for position, cell in enumerate(header)}
    if len(index) != len(header):
        raise MalformedCsvError("the header repeats a column name", filename=filename, line=1)
    plan = [(field, index[column], parse) for field, column, parse in spec]
    width = len(header)
    for row in reader:
        if not row:
            continue
        line = reader.line_num
        if len(row) != width:
            raise MalformedCsvError(
                f"the row has {len(row)} fields, the header {width}", filename=filename, line=line
            )
        if max(map(len, row)) > max_field_chars:
            raise _oversized(row, header, max_field_chars, filename, line)
        try:
            values = {field: parse(row[position]) for field, position, parse in plan}
        except ValueError:
            raise _bad_value(row, spec, index, filename, line) from None
        values["source_line"] = line
        yield values


def _bad_value(row: list[str], spec: Spec, index: dict[str, int], filename: str, line: int) -> BadValueError:
    """Find which cell failed (the fast path does not track it) and say so."""
    for _, column, parse in spec:
        try:
            parse(row[index[column]])
        except ValueError as exc:
            return BadValueError(str(exc), filename=filename, line=line, column=column)
    return BadValueError("unparsable row", filename=filename, line=line)  # pragma: no cover


def _oversized(row: list[str], header: list[str], limit: int, filename: str, line: int) -> MalformedCsvError:
    position = next(position for position, cell in enumerate(row) if len(cell) > limit)
    return MalformedCsvError(
        f"a cell of {len(row[position]):,} characters (at most {limit:,})",
        filename=filename,
        line=line,
        column=normalize_header(header[position]),
    )
