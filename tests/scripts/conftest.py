"""Running the scripts as an operator would: from another directory, in a shell with a bare environment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.conf import settings

SCRIPTS = Path(settings.BASE_DIR) / "scripts"


def bare_environment(home: Path, **extra: str) -> dict[str, str]:
    """What a new login shell has: no virtualenv, no DATABASE_URL, no DJANGO_SETTINGS_MODULE."""
    path = [entry for entry in os.environ.get("PATH", os.defpath).split(os.pathsep) if entry]
    path = [entry for entry in path if not Path(entry).resolve().is_relative_to(Path(sys.prefix).resolve())]
    return {"PATH": os.pathsep.join(path), "HOME": str(home), "TMPDIR": str(home), "LANG": "C.UTF-8", **extra}
