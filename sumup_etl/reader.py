"""Public entry point: the files of a SumUp orders export → :class:`~sumup_etl.models.Export`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .archive import Limits, Source, read_sources
from .assemble import build_cancelled, build_orders, build_products, build_refunds
from .csvfile import ParsedCsv, parse_csv
from .errors import (
    DuplicateFileError,
    InternalParseError,
    MissingFileError,
    NotSumupExportError,
    SumupParseError,
)
from .models import Export, FileKind

# Without these no order can be built with its lines and payments; tva only cross-checks, and the
# cancelled/refunded files are header-only in every export seen so far.
REQUIRED_FILES: tuple[FileKind, ...] = (FileKind.ORDERS, FileKind.LINES, FileKind.PAYMENTS)


def read_export(
    sources: Iterable[Source], *, limits: Limits | None = None, encoding: str | None = None
) -> Export:
    """Parse an export given as its zip, its CSVs, or both mixed (paths or ``(name, bytes)`` pairs).

    Raises only :class:`SumupParseError` subclasses, naming the file (and line and column where one is
    at fault); no partial result. Problems of single orders do not raise: they are listed on each
    ``Order.issues`` (and orphan rows on ``Export.issues``) for the caller to skip or force.
    ``encoding`` forces one for every CSV; by default a BOM, else UTF-8, else Windows-1252 is used.
    """
    limits = limits or Limits()
    raws = read_sources(sources, limits)
    if not raws:
        raise NotSumupExportError("no file given", filename=None)
    files: dict[FileKind, ParsedCsv] = {}
    for raw in raws:
        try:
            parsed = parse_csv(raw, max_field_chars=limits.max_field_chars, encoding=encoding)
        except (SumupParseError, MemoryError):  # out of memory: the caller's budget, not a bug here
            raise
        except Exception as exc:
            raise InternalParseError(f"unexpected {type(exc).__name__}: {exc}", filename=raw.name) from exc
        kind = parsed.source.kind
        if kind in files:
            raise DuplicateFileError(
                f"two {kind.value} files ({files[kind].source.name} and {raw.name}): one export at a time",
                filename=raw.name,
            )
        files[kind] = parsed
    missing = [kind.value for kind in REQUIRED_FILES if kind not in files]
    if missing:
        given = ", ".join(raw.name for raw in raws)
        raise MissingFileError(f"the export lacks its {' and '.join(missing)} file(s); given: {given}")
    orders, orphans = build_orders(files)
    return Export(
        files=tuple(parsed.source for parsed in files.values()),
        orders=orders,
        products=build_products(orders),
        cancelled=build_cancelled(files.get(FileKind.CANCELLED)),
        refunds=build_refunds(files.get(FileKind.REFUNDS)),
        issues=orphans,
    )


def export_order_count(job: tuple[Sequence[Source], Limits]) -> int:
    """`read_export(sources, limits=limits)` taking one argument, for a sandboxed child process: the number
    of orders, so that the export itself (slow to pickle) never crosses the process boundary."""
    sources, limits = job
    return len(read_export(sources, limits=limits).orders)
