"""The package stays pure Python: the loader and the API build on it, not the other way round."""

from __future__ import annotations

import subprocess
import sys


def test_importing_sumup_etl_loads_no_django() -> None:
    code = (
        "import sys, sumup_etl; "
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in {'django', 'rest_framework'}); "
        "print(','.join(loaded))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
