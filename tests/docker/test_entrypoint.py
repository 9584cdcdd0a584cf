"""The container's gunicorn command: workers are recycled, with jitter, so none grows for ever."""

from __future__ import annotations

import re
from pathlib import Path

ENTRYPOINT = Path(__file__).resolve().parents[2] / "docker" / "entrypoint.sh"


def _default(option: str, variable: str) -> int:
    """The default the entrypoint gives `option` through `variable` (0 when the option is missing)."""
    match = re.search(rf'{option} "\$\{{{variable}:-(\d+)\}}"', ENTRYPOINT.read_text())
    return int(match.group(1)) if match else 0


def test_gunicorn_workers_are_recycled_with_jitter() -> None:
    max_requests = _default("--max-requests", "GUNICORN_MAX_REQUESTS")
    jitter = _default("--max-requests-jitter", "GUNICORN_MAX_REQUESTS_JITTER")
    assert max_requests > 0
    assert 0 < jitter < max_requests


def test_gunicorn_runs_the_worker_that_drains_its_connections_when_recycled() -> None:
    # What tests/config/test_gunicorn_worker.py proves holds only if the container runs that worker.
    assert "--worker-class config.gunicorn_worker.DrainingThreadWorker" in ENTRYPOINT.read_text()


def test_the_entrypoint_deploys_with_deploy_migrations() -> None:
    text = ENTRYPOINT.read_text()
    assert "manage.py deploy_migrations" in text
    assert "migrate_schemas --tenant" not in text
