"""The test settings keep concurrent runs apart: a Redis key prefix per process (so per xdist worker and per
run), and a test database per checkout unless TEST_DATABASE_NAME names one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PRINT_SETTINGS = (
    "import json; from django.conf import settings; "
    "print(json.dumps([settings.REDIS_KEY_PREFIX, settings.DATABASES['default']['TEST']['NAME']]))"
)


def _settings_of_a_new_process(**environ: str) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_NAME", "REDIS_KEY_PREFIX")}
    env.update(environ, DJANGO_SETTINGS_MODULE="config.settings.test")
    done = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    prefix, name = json.loads(done.stdout)
    return prefix, name


def test_each_test_process_has_a_redis_key_prefix_of_its_own() -> None:
    first, _ = _settings_of_a_new_process()
    second, _ = _settings_of_a_new_process()
    assert len({first, second, settings.REDIS_KEY_PREFIX}) == 3
    assert first.startswith("test:")


def test_a_redis_key_prefix_from_the_environment_still_gets_a_part_per_process() -> None:
    first, _ = _settings_of_a_new_process(REDIS_KEY_PREFIX="ci:")
    second, _ = _settings_of_a_new_process(REDIS_KEY_PREFIX="ci:")
    assert first.startswith("ci:")
    assert first != second


def test_the_test_database_is_named_after_the_checkout_unless_the_environment_names_it() -> None:
    _, first = _settings_of_a_new_process()
    _, second = _settings_of_a_new_process()
    assert first == second  # stable across runs of one checkout: a killed run leaves nothing new behind
    assert first.startswith("test_massacorp_")
    assert first != "test_massacorp_"
    _, named = _settings_of_a_new_process(TEST_DATABASE_NAME="test_chosen")
    assert named == "test_chosen"
