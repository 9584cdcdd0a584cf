"""The real SumUp export beside the repository (no Django or database needed), parsed once per session.

It lives in ``shared/data/sumup`` next to the clone, or wherever ``MASSACORP_SHARED_DIR`` points.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sumup_etl import Export, read_export
from tests.factories.sumup import SumupExportBuilder

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPORT_NAME = "rapport-de-commandes-2023-11-08_2025-11-08.zip"


def export_path() -> Path:
    shared = os.environ.get("MASSACORP_SHARED_DIR")
    return (Path(shared) if shared else REPO_ROOT.parent / "shared") / "data" / "sumup" / EXPORT_NAME


@pytest.fixture(scope="session")
def real_export_path() -> Path:
    path = export_path()
    if not path.is_file():
        reason = f"SumUp export not found at {path} (set MASSACORP_SHARED_DIR to the shared/ folder)"
        if os.environ.get("CI"):
            # CI always has shared/ beside the clone: a missing export there is a failure, not a skip.
            raise RuntimeError(reason)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def real_export(real_export_path: Path) -> Export:
    return read_export([real_export_path])


@pytest.fixture
def builder() -> SumupExportBuilder:
    """One valid order (two lines, at 10 % and 20 %), ready to be broken by the test."""
    return SumupExportBuilder().add_order()
