"""Locate the real METRO sample beside the repository; no Django or database is needed here.

The sample lives in ``shared/data/metro`` next to the clone (CI puts a copy there), or wherever
``MASSACORP_SHARED_DIR`` points. Files are read in place and never copied into the repository.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest

from metro_etl import ParsedInvoice, parse_invoice

REPO_ROOT = Path(__file__).resolve().parents[2]


def metro_dir() -> Path:
    shared = os.environ.get("MASSACORP_SHARED_DIR")
    return (Path(shared) if shared else REPO_ROOT.parent / "shared") / "data" / "metro"


def _missing_reason() -> str | None:
    if not (metro_dir() / "expected.csv").is_file():
        reason = f"METRO sample not found at {metro_dir()} (set MASSACORP_SHARED_DIR to the shared/ folder)"
        if os.environ.get("CI"):
            # CI always has shared/ beside the clone: a missing sample there is a failure, not a skip.
            raise RuntimeError(reason)
        return reason
    return None


@cache
def expected_rows() -> tuple[dict[str, str], ...]:
    if _missing_reason():
        return ()
    with (metro_dir() / "expected.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


@cache
def _parsed(name: str) -> ParsedInvoice:
    return parse_invoice(metro_dir() / "invoices" / name)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give every test that asks for ``expected_row`` one case per PDF of the sample."""
    if "expected_row" not in metafunc.fixturenames:
        return
    rows = expected_rows()
    if rows:
        metafunc.parametrize("expected_row", rows, ids=[row["file"].removesuffix(".pdf") for row in rows])
    else:
        metafunc.parametrize(
            "expected_row", [pytest.param(None, marks=pytest.mark.skip(reason=_missing_reason() or ""))]
        )


@pytest.fixture(scope="session")
def invoice_dir() -> Path:
    reason = _missing_reason()
    if reason:
        pytest.skip(reason)
    return metro_dir() / "invoices"


@pytest.fixture(scope="session")
def invoice_file(invoice_dir: Path) -> Callable[[str], Path]:
    """``invoice_file("135_12_329014")`` → the path of the sample PDF whose name starts with that."""

    def find(prefix: str) -> Path:
        matches = sorted(invoice_dir.glob(f"{prefix}_*.pdf"))
        assert len(matches) == 1, f"expected one sample file starting with {prefix!r}, found {len(matches)}"
        return matches[0]

    return find


@pytest.fixture(scope="session")
def parsed(invoice_file: Callable[[str], Path]) -> Callable[[str], ParsedInvoice]:
    """``parsed("135_12_329014")`` → that sample file parsed (cached for the session)."""

    def get(prefix: str) -> ParsedInvoice:
        return _parsed(invoice_file(prefix).name)

    return get
