"""The cost of parsing uploads in sandboxed processes (one per file) against parsing in the calling
process, on the sample invoices; and the time to refuse the hostile PDF of the tests.

    .venv/bin/python scripts/bench/bench_parse_sandbox.py [FOLDER_OF_PDFS]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from metro_etl.batch import parse_one  # noqa: E402
from shared_apps.core.sandbox import Budget, sandbox_map  # noqa: E402
from tests.support.hostile_pdf import hostile_pdf  # noqa: E402


def main() -> None:
    shared = Path(os.environ.get("MASSACORP_SHARED_DIR") or ROOT.parent / "shared")
    default = shared / "data" / "metro" / "invoices"
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else default
    files = [(path.name, path.read_bytes()) for path in sorted(folder.glob("*.pdf"))]
    budget = Budget(cpu_seconds=5, memory_bytes=512 << 20, wall_seconds=10, total_seconds=600, workers=1)
    sandbox_map(parse_one, files[:1], budget=budget)  # starts the forkserver
    started = time.monotonic()
    for item in files:
        parse_one(item)
    in_process = time.monotonic() - started
    started = time.monotonic()
    sandbox_map(parse_one, files, budget=budget)
    sandboxed = time.monotonic() - started
    started = time.monotonic()
    refused = sandbox_map(parse_one, [("hostile.pdf", hostile_pdf())], budget=budget)[0]
    hostile = time.monotonic() - started
    print(f"load average {os.getloadavg()[0]:.2f}; {len(files)} files, one worker")
    print(f"in process: {in_process / len(files) * 1000:.1f} ms/file")
    print(f"sandboxed : {sandboxed / len(files) * 1000:.1f} ms/file (x{sandboxed / in_process:.2f})")
    print(f"hostile PDF ({len(hostile_pdf())} bytes): {type(refused).__name__} in {hostile * 1000:.0f} ms")


if __name__ == "__main__":
    main()
