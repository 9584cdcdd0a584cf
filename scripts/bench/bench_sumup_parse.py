"""Benchmark the SumUp export reader against a bare csv.reader pass over the same files.

Usage: python scripts/bench/bench_sumup_parse.py [EXPORT_ZIP] [--repeat N]

Without EXPORT_ZIP it reads $MASSACORP_SHARED_DIR/data/sumup/…zip, else ../shared/data/sumup/ beside the
repository. The whole import (parse + database load) must take under 20 s; the parse alone should stay
well under 3 s. The baseline (unzip + csv.reader, no typing, no joining) runs in the same process and run,
so the ratio holds however busy the machine is. The import first reads the export in a sandboxed child
(tenant_apps.sales.services.files.export_read, the default SALES_PARSE_* budget), then again in the server's
process: the sandboxed read is timed too, and the whole read's cost against read_export alone.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO_ROOT))

from shared_apps.core.sandbox import Budget, sandbox_map  # noqa: E402
from sumup_etl import Limits, export_order_count, read_export  # noqa: E402

EXPORT_NAME = "rapport-de-commandes-2023-11-08_2025-11-08.zip"


def default_export() -> Path:
    shared = os.environ.get("MASSACORP_SHARED_DIR")
    base = Path(shared) if shared else REPO_ROOT.parent / "shared"
    return base / "data" / "sumup" / EXPORT_NAME


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Best and median wall seconds of ``repeat`` runs, and the best CPU seconds of this process.

    On a shared machine the wall time follows the load; the CPU time is what the work itself costs.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        start, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    walls.sort()
    return walls[0], walls[len(walls) // 2], min(cpus)


def bare_csv(path: Path) -> int:
    rows = 0
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            text = archive.read(info).decode("utf-8")
            rows += sum(1 for _ in csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("export", nargs="?", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    args = parser.parse_args()
    path = args.export or default_export()
    if not path.is_file():
        print(f"no export at {path}", file=sys.stderr)
        return 2

    print(f"load average at start {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    export = read_export([path])  # warms the OS file cache and imports
    lines = export.line_count
    rows = sum(source.rows for source in export.files)
    best, median, cpu = timed(lambda: read_export([path]), args.repeat)
    base_best, _, base_cpu = timed(lambda: bare_csv(path), args.repeat)
    chunked = timed(lambda: sum(len(chunk) for chunk in read_export([path]).chunks(500)), 1)[0]
    budget = Budget(cpu_seconds=10, memory_bytes=1024 << 20, wall_seconds=20.0, total_seconds=20.0)
    job = ((path,), Limits())
    sandboxed, _, _ = timed(lambda: sandbox_map(export_order_count, [job], budget=budget), args.repeat)

    print(f"export:                    {path.name} ({path.stat().st_size:,} bytes)")
    print(f"orders / lines / rows:     {len(export.orders):,} / {lines:,} / {rows:,} (all six CSVs)")
    print(f"read_export wall seconds:  best {best:.3f}, median {median:.3f} (of {args.repeat}; target < 3)")
    print(f"read_export CPU seconds:   {cpu:.3f}")
    print(f"product lines/s:           {lines / best:,.0f} wall (best), {lines / cpu:,.0f} per CPU second")
    print(f"CSV rows/s:                {rows / best:,.0f} wall (best)")
    print(f"bare unzip + csv.reader:   best {base_best:.3f} s wall, {base_cpu:.3f} s CPU")
    print(f"cost vs bare csv.reader:   {cpu / base_cpu:.1f}x CPU (typing, validation, joining, VAT rates)")
    print(f"read + iterate 500-chunks: {chunked:.3f} s")
    print(f"sandboxed read (child):    best {sandboxed:.3f} s wall")
    print(f"import's whole read:       {(sandboxed + best) / best:.2f}x read_export alone (child, then here)")
    print(f"load average at end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
