#!/usr/bin/env bash
# Usage: scripts/run.sh [--reset]
#
# One command for a new user: install, find/start services, migrate, provision the demo tenant, serve it at
# http://demo.localhost:8000 (development settings). HOST/PORT override where it listens.
# --reset drops and recreates the development database first (e.g. after a migration history rewrite).
# Other commands in the same environment: scripts/manage.sh; stop the private services: scripts/services.sh --stop.
set -euo pipefail
if [[ "${1:-}" =~ ^(-h|--help)$ ]]; then sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0; fi
case "${1:-}" in ""|--reset) ;; *) echo "run: unknown argument $1 (see --help)" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
services_env="$(PYTHON=.venv/bin/python scripts/services.sh)"  # an assignment: a failure stops the script
eval "$services_env"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
if [ "${1:-}" = "--reset" ]; then
  .venv/bin/python scripts/dbtool.py recreate "$DATABASE_URL"
fi
manage() { .venv/bin/python manage.py "$@"; }

if ! out="$(manage migrate_schemas --shared --noinput -v 0 2>&1)"; then
  printf '%s\n' "$out" >&2
  if grep -q InconsistentMigrationHistory <<<"$out"; then
    echo "run: this development database predates a migration rewrite; 'scripts/run.sh --reset' recreates it" >&2
  fi
  exit 1
fi
manage deploy_migrations --skip-shared --no-progress -v 0 >/dev/null
scripts/demo.sh
port="${PORT:-8000}"
echo
echo "Serving http://demo.localhost:$port  (API: http://demo.localhost:$port/api/v1/info, docs: /api/docs)"
echo "  curl -H 'X-Tenant-ID: demo' http://127.0.0.1:$port/api/v1/info"
echo "  curl --resolve demo.localhost:$port:127.0.0.1 http://demo.localhost:$port/api/v1/info"
exec .venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:$port"
