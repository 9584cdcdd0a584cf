"""Every script answers --help with how to use it, and does nothing else (nothing installed or started)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.scripts.conftest import SCRIPTS, bare_environment

WITH_HELP = [
    "bootstrap.sh",
    "demo.sh",
    "e2e_predecessor.sh",
    "manage.sh",
    "run.sh",
    "services.sh",
    "test.sh",
    "vendor_assets.sh",
]


def test_every_shell_script_is_covered_here() -> None:
    assert sorted(path.name for path in SCRIPTS.glob("*.sh")) == WITH_HELP


@pytest.mark.parametrize("script", WITH_HELP)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_says_how_to_use_the_script_and_does_nothing_else(
    script: str, flag: str, tmp_path: Path
) -> None:
    done = subprocess.run(
        [SCRIPTS / script, flag],
        cwd=tmp_path,
        env=bare_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    first_line = done.stdout.splitlines()[0]
    assert first_line.startswith("Usage:")
    assert f"scripts/{script}" in first_line
    assert len(done.stdout.splitlines()) > 2  # more than the usage line: what it does
    assert list(tmp_path.iterdir()) == []  # no state directory, no log: nothing was started
