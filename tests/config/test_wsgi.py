"""The served process freezes what it made while starting, so full collections skip it
(shared_apps.ops.heap)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPORT_HEAP = (
    "import gc, json, sys; import config.wsgi; "
    "print(json.dumps([gc.get_freeze_count(), len(gc.get_objects()), 'config.urls_tenant' in sys.modules]))"
)


def test_the_wsgi_process_freezes_its_start_with_every_view_imported() -> None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test")
    done = subprocess.run(
        [sys.executable, "-c", REPORT_HEAP],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    frozen, tracked, urls_imported = json.loads(done.stdout.strip().splitlines()[-1])
    assert urls_imported
    # Nearly everything is frozen: what is left tracked is what the last statements made.
    assert frozen > 50_000
    assert tracked < frozen / 100
