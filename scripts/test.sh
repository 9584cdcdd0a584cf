#!/usr/bin/env bash
# Usage: scripts/test.sh [PYTEST ARGS…]
#
# The whole check, as CI runs it: install, find/start services, lint, types, migrations check, tests.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/shared_apps/tenants -x).
# The tests run in parallel (pytest-xdist, one worker per core): TEST_WORKERS=N sets the number, 0 runs them
# in this one process (e.g. for --pdb). Each worker has its own database (TEST_DATABASE_NAME, default one name
# per checkout, plus _gw0, _gw1…) and its own Redis key prefix, so concurrent runs do not collide.
# Browser tests (marked `browser`) need Chromium: when there are some, Debian's package is installed if
# missing (as root, with apt-get; otherwise they skip). MASSACORP_BROWSER_TESTS=0 never installs it, 1 always.
set -euo pipefail
if [[ "${1:-}" =~ ^(-h|--help)$ ]]; then sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0; fi
cd "$(dirname "$0")/.."

chromium_installed() {
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
}

# Installs Debian's chromium package when it is missing; never fails the run (browser tests skip without it).
ensure_chromium() {
  chromium_installed && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "test: no chromium, and it can only be installed as root with apt-get: browser tests will skip" >&2
    return 0
  fi
  echo "== chromium (apt-get install chromium)"
  local apt=(apt-get -qq -o DPkg::Lock::Timeout=300)
  if ! { DEBIAN_FRONTEND=noninteractive "${apt[@]}" update >&2 &&
         DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y --no-install-recommends chromium >&2; }; then
    echo "test: could not install chromium: browser tests will skip" >&2
  fi
}

wants_chromium() {
  case "${MASSACORP_BROWSER_TESTS:-auto}" in
    0) return 1 ;;
    1) return 0 ;;
    *) grep -rq --include='*.py' 'mark\.browser' tests 2>/dev/null ;;
  esac
}

scripts/bootstrap.sh
services_env="$(PYTHON=.venv/bin/python scripts/services.sh)"  # an assignment: a failure stops the script
eval "$services_env"
export DJANGO_SETTINGS_MODULE=config.settings.test
if wants_chromium; then ensure_chromium; fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy"
.venv/bin/mypy .
.venv/bin/lint-imports --no-cache
echo "== migrations"
# Against a scratch database: the check also validates the recorded history, which a dev database may not share.
check_url="${DATABASE_URL%/*}/massacorp_migrations_check_$$"
.venv/bin/python scripts/dbtool.py recreate "$check_url"
DATABASE_URL="$check_url" .venv/bin/python manage.py makemigrations --check --dry-run
.venv/bin/python scripts/dbtool.py drop "$check_url"
echo "== tests"
# --create-db: a clean test database every run, so migrations are exercised from zero.
# -n given in the arguments wins (the last one counts).
.venv/bin/python -m pytest --create-db -n "${TEST_WORKERS:-auto}" "$@"
