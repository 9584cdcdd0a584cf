"""One exception tree for everything that can go wrong while reading a file.

Every failure surfaces as a :class:`MetroParseError` with a stable ``code`` so that callers (the loader,
the batch runner, an API) can branch on the code instead of on message text or on pypdf's own exceptions.
"""

from __future__ import annotations

from typing import Any


class MetroParseError(Exception):
    """A file could not be turned into a :class:`~metro_etl.models.ParsedInvoice`."""

    code = "parse_error"

    def __init__(self, message: str, *, filename: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.filename = filename

    def __str__(self) -> str:
        where = f"{self.filename}: " if self.filename else ""
        return f"{where}[{self.code}] {self.message}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, filename={self.filename!r})"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only arguments are lost by the default exception pickling; parse_many sends these
        # objects back from worker processes, so they must survive a round trip.
        return (_rebuild, (type(self), self.message, self.filename))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MetroParseError):
            return NotImplemented
        return (type(self), self.message, self.filename) == (type(other), other.message, other.filename)

    def __hash__(self) -> int:
        return hash((type(self), self.message, self.filename))


def _rebuild(cls: type[MetroParseError], message: str, filename: str | None) -> MetroParseError:
    return cls(message, filename=filename)


class UnreadableFileError(MetroParseError):
    """The file could not be read from disk (missing, a directory, no permission)."""

    code = "unreadable"


class NotPdfError(MetroParseError):
    """The bytes are not a PDF at all (no ``%PDF-`` header)."""

    code = "not_pdf"


class EncryptedPdfError(MetroParseError):
    """The PDF is encrypted and cannot be opened without a password."""

    code = "encrypted"


class CorruptPdfError(MetroParseError):
    """The PDF is damaged or truncated."""

    code = "corrupt"


class NotMetroInvoiceError(MetroParseError):
    """A readable PDF, but not a METRO France invoice."""

    code = "not_metro_invoice"


class UnsupportedDocumentError(MetroParseError):
    """A METRO document whose type (the label on its first line) this parser does not know."""

    code = "unsupported_document"


class MalformedInvoiceError(MetroParseError):
    """A METRO invoice whose header or structure is missing something the parser needs."""

    code = "malformed_invoice"


class TooComplexError(MetroParseError):
    """The file is beyond what an invoice needs (pages, content size) or beyond its parsing budget (CPU,
    memory, time): refused before it can hold a worker."""

    code = "too_complex"


class InternalParseError(MetroParseError):
    """An unexpected failure inside the parser: a bug to fix, reported without crashing the batch."""

    code = "internal_error"


ERROR_CODES: frozenset[str] = frozenset(
    cls.code
    for cls in (
        MetroParseError,
        UnreadableFileError,
        NotPdfError,
        EncryptedPdfError,
        CorruptPdfError,
        NotMetroInvoiceError,
        UnsupportedDocumentError,
        MalformedInvoiceError,
        TooComplexError,
        InternalParseError,
    )
)
