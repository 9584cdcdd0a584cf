"""One exception tree for everything that makes a SumUp file unusable.

Each error names the file and, where it applies, the line (1-based, as a text editor counts) and the column
(the export's own header name), and has a stable ``code`` so that callers branch on the code, not on text.
An error means nothing of that file is returned: :func:`~sumup_etl.read_export` either gives a whole
:class:`~sumup_etl.Export` or raises.
"""

from __future__ import annotations

from typing import Any


class SumupParseError(Exception):
    """A file (or the set of files) could not be read as a SumUp orders export."""

    code = "parse_error"

    def __init__(
        self, message: str, *, filename: str | None = None, line: int | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = [part for part in (self.filename, self._line_text(), self._column_text()) if part]
        prefix = ", ".join(where) + ": " if where else ""
        return f"{prefix}[{self.code}] {self.message}"

    def _line_text(self) -> str | None:
        return f"line {self.line}" if self.line is not None else None

    def _column_text(self) -> str | None:
        return f"column {self.column!r}" if self.column is not None else None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, filename={self.filename!r},"
            f" line={self.line!r}, column={self.column!r})"
        )

    def as_dict(self) -> dict[str, Any]:
        """The fields an API error body needs (``details`` of the contract's error)."""
        return {
            "code": self.code,
            "message": self.message,
            "file": self.filename,
            "line": self.line,
            "column": self.column,
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments are lost by the default exception pickling (background jobs pickle errors).
        return (_rebuild, (type(self), self.message, self.filename, self.line, self.column))


def _rebuild(
    cls: type[SumupParseError], message: str, filename: str | None, line: int | None, column: str | None
) -> SumupParseError:
    return cls(message, filename=filename, line=line, column=column)


class UnreadableFileError(SumupParseError):
    """The file could not be read from disk (missing, a directory, no permission)."""

    code = "unreadable"


class NotSumupExportError(SumupParseError):
    """Readable, but not a file of a SumUp orders export (unknown header, not ``;``-separated, binary)."""

    code = "not_sumup_export"


class CorruptArchiveError(SumupParseError):
    """A damaged, truncated or encrypted zip archive."""

    code = "corrupt_archive"


class ArchiveLimitError(SumupParseError):
    """Input over one of the :class:`~sumup_etl.Limits`: refused before it can cost much time or memory."""

    code = "limit_exceeded"


class TooLargeError(ArchiveLimitError):
    """A file, or the files together, decompress to more bytes than allowed."""

    code = "too_large"


class TooManyMembersError(ArchiveLimitError):
    """A zip with more members than an export ever has."""

    code = "too_many_members"


class CompressionRatioError(ArchiveLimitError):
    """A zip member that expands more than text ever does: a zip bomb."""

    code = "compression_ratio"


class TooComplexError(ArchiveLimitError):
    """Within the size limits, but beyond the reading budget (CPU, memory, time) of a sandboxed read."""

    code = "too_complex"


class EncodingError(SumupParseError):
    """The bytes are not text in the declared (or any detected) encoding."""

    code = "bad_encoding"


class MalformedCsvError(SumupParseError):
    """Broken CSV structure: a row with the wrong number of fields, an oversized field, a stray quote."""

    code = "malformed_csv"


class MissingColumnError(SumupParseError):
    """A SumUp file whose header lacks a column the parser needs."""

    code = "missing_column"


class BadValueError(SumupParseError):
    """A cell that is not what its column holds: a bad number, date, duration or an empty id."""

    code = "bad_value"


class MissingFileError(SumupParseError):
    """A file of the export that the import needs (``totaux``, ``produits``, ``paiements``) was not given."""

    code = "missing_file"


class DuplicateFileError(SumupParseError):
    """Two files of the same kind: two exports were mixed."""

    code = "duplicate_file"


class InconsistentExportError(SumupParseError):
    """The files contradict each other in a way no order can be built from (an order id twice in totaux)."""

    code = "inconsistent_export"


class InternalParseError(SumupParseError):
    """An unexpected failure inside the parser: a bug to fix, reported with the file it happened on."""

    code = "internal_error"


ERROR_CODES: frozenset[str] = frozenset(
    cls.code
    for cls in (
        SumupParseError,
        UnreadableFileError,
        NotSumupExportError,
        CorruptArchiveError,
        ArchiveLimitError,
        TooLargeError,
        TooManyMembersError,
        CompressionRatioError,
        EncodingError,
        MalformedCsvError,
        MissingColumnError,
        BadValueError,
        MissingFileError,
        DuplicateFileError,
        InconsistentExportError,
        InternalParseError,
    )
)
