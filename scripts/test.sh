#!/usr/bin/env bash
# The whole check, as CI runs it: install, find/start services, lint, types, migrations check, tests.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/shared_apps/tenants -x).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
eval "$(PYTHON=.venv/bin/python scripts/services.sh)"
export DJANGO_SETTINGS_MODULE=config.settings.test

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy .
echo "== migrations"
# Against a scratch database: the check also validates the recorded history, which a dev database may not share.
check_url="${DATABASE_URL%/*}/massacorp_migrations_check_$$"
.venv/bin/python scripts/dbtool.py recreate "$check_url"
DATABASE_URL="$check_url" .venv/bin/python manage.py makemigrations --check --dry-run
.venv/bin/python scripts/dbtool.py drop "$check_url"
# The browser tests (pytest -m browser) drive Debian's chromium, never a browser build downloaded by Playwright.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== chromium (browser tests)"
  { apt-get install -y -qq chromium || { apt-get update -qq && apt-get install -y -qq chromium; }; } >/dev/null ||
    echo "test.sh: chromium could not be installed; the browser tests will be skipped" >&2
fi
echo "== tests"
# --create-db: a clean test database every run, so migrations are exercised from zero.
.venv/bin/python -m pytest --create-db "$@"
