"""Production refuses to start on missing or development-default secrets, DEBUG, or wildcard hosts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.base import DEV_FIELD_ENCRYPTION_KEY, DEV_JWT_SIGNING_KEY, DEV_SECRET_KEY
from config.settings.checks import production_problems

DEV = {
    "SECRET_KEY": DEV_SECRET_KEY,
    "JWT_SIGNING_KEYS": DEV_JWT_SIGNING_KEY,
    "FIELD_ENCRYPTION_KEYS": DEV_FIELD_ENCRYPTION_KEY,
}
GOOD = {
    "SECRET_KEY": "k" * 64,
    "JWT_SIGNING_KEYS": "2026a:" + "s" * 48,
    "FIELD_ENCRYPTION_KEYS": "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=",
    "ALLOWED_HOSTS": "api.massacorp.example,.massacorp.example",
    "DEBUG": "false",
}


def test_a_complete_production_environment_passes() -> None:
    assert production_problems(GOOD, dev_defaults=DEV) == []


@pytest.mark.parametrize(
    ("change", "variable"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"JWT_SIGNING_KEYS": None}, "JWT_SIGNING_KEYS"),
        ({"JWT_SIGNING_KEYS": f"dev:{DEV_JWT_SIGNING_KEY}"}, "JWT_SIGNING_KEYS"),
        ({"JWT_SIGNING_KEYS": "nokid"}, "JWT_SIGNING_KEYS"),
        ({"FIELD_ENCRYPTION_KEYS": None}, "FIELD_ENCRYPTION_KEYS"),
        ({"FIELD_ENCRYPTION_KEYS": DEV_FIELD_ENCRYPTION_KEY}, "FIELD_ENCRYPTION_KEYS"),
        ({"DEBUG": "true"}, "DEBUG"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS"),
        ({"OAUTH_ALLOW_HTTP_RETURN_URLS": "true"}, "OAUTH_ALLOW_HTTP_RETURN_URLS"),
    ],
)
def test_each_unsafe_value_is_refused_naming_its_variable(
    change: dict[str, str | None], variable: str
) -> None:
    environ = {**GOOD, **{k: v for k, v in change.items() if v is not None}}
    for key, value in change.items():
        if value is None:
            environ.pop(key)
    problems = production_problems(environ, dev_defaults=DEV)
    assert len(problems) == 1
    assert problems[0].startswith(variable)


def _start_production(environ: dict[str, str]) -> subprocess.CompletedProcess[str]:
    root = Path(__file__).resolve().parents[2]
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "DATABASE_URL", "LANG"}}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=root,
        env={**keep, **environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_start_up_fails_on_development_defaults() -> None:
    result = _start_production({"DJANGO_ENV": "production"})
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_production_start_up_succeeds_with_real_values() -> None:
    result = _start_production({"DJANGO_ENV": "production", **GOOD})
    assert result.returncode == 0, result.stderr
