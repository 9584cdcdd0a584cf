"""Benchmark the METRO invoice parser against plain pdfplumber text extraction.

Usage: python scripts/bench/bench_metro_parse.py [INVOICE_DIR] [--repeat N] [--workers N]

Without INVOICE_DIR it reads $MASSACORP_SHARED_DIR/data/metro/invoices, else ../shared/data/metro/invoices
beside the repository. The target is >= 25 invoices per second per core.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from metro_etl import MetroParseError, parse_invoice, parse_many, reconcile  # noqa: E402


def default_invoice_dir() -> Path:
    shared = os.environ.get("MASSACORP_SHARED_DIR")
    base = Path(shared) if shared else REPO_ROOT.parent / "shared"
    return base / "data" / "metro" / "invoices"


def timed(run: Callable[[], object], repeat: int) -> float:
    """Best of ``repeat`` runs: the least disturbed by whatever else the machine is doing."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def parse_single(files: list[Path]) -> None:
    for path in files:
        reconcile(parse_invoice(path))


def pdfplumber_baseline(files: list[Path]) -> None:
    import pdfplumber

    for path in files:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                page.extract_text()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("invoice_dir", nargs="?", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best is kept)")
    parser.add_argument("--workers", type=int, default=None, help="processes for the parallel run")
    parser.add_argument("--no-baseline", action="store_true", help="skip the slow pdfplumber baseline")
    args = parser.parse_args()

    invoice_dir = args.invoice_dir or default_invoice_dir()
    files = sorted(invoice_dir.glob("*.pdf"))
    if not files:
        print(f"no PDF files in {invoice_dir}", file=sys.stderr)
        return 2
    cores = args.workers or os.cpu_count() or 1
    pages = sum(parse_invoice(path).pages for path in files)  # also warms the OS file cache

    single = timed(lambda: parse_single(files), args.repeat)
    parallel = timed(lambda: parse_many(files, workers=cores), args.repeat)
    failures = [r for r in parse_many(files, workers=cores) if isinstance(r, MetroParseError)]

    print(f"files:                         {len(files)} ({pages} pages, {pages / len(files):.1f} per file)")
    print(f"total seconds, 1 process:      {single:.3f} (parse + reconcile, best of {args.repeat})")
    print(f"invoices/s, 1 process:         {len(files) / single:.1f}")
    print(f"total seconds, {cores} processes:    {parallel:.3f}")
    print(f"invoices/s, {cores} processes:       {len(files) / parallel:.1f}")
    print(f"invoices/s per core:           {len(files) / parallel / cores:.1f} (target >= 25)")
    print(f"parse errors:                  {len(failures)}")
    if not args.no_baseline:
        baseline = timed(lambda: pdfplumber_baseline(files), 1)
        print(f"pdfplumber extract_text:       {baseline:.3f} s, {len(files) / baseline:.1f} invoices/s")
        print(f"speed-up vs pdfplumber:        {baseline / single:.1f}x (1 process each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
