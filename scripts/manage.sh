#!/usr/bin/env bash
# Usage: scripts/manage.sh COMMAND [ARGS…]      (scripts/manage.sh help lists Django's commands)
#
# Runs manage.py in the project's environment, from any shell and any directory: the .venv that
# scripts/bootstrap.sh installs (made or updated first), and the PostgreSQL and Redis that scripts/services.sh
# finds or starts (DATABASE_URL/REDIS_URL from the environment win, as there). Relative paths in ARGS are
# taken from the current directory. DJANGO_SETTINGS_MODULE defaults to the development settings, or to the
# production ones with DJANGO_ENV=production. What services.sh chose is said on stderr.
#   scripts/manage.sh list_tenants
#   scripts/manage.sh createsuperuser --email ops@example.com     (a platform operator, for /admin/)
set -euo pipefail
if [[ "${1:-}" =~ ^(-h|--help)$ ]]; then sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0; fi
if [ $# -eq 0 ]; then sed -n '2p' "$0" | sed 's/^# //' >&2; exit 2; fi
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/bootstrap.sh"
services_env="$(PYTHON="$root/.venv/bin/python" "$root/scripts/services.sh")"  # stops here if it fails
eval "$services_env"
exec "$root/.venv/bin/python" "$root/manage.py" "$@"
