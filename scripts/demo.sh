#!/usr/bin/env bash
# Usage: scripts/demo.sh      (scripts/run.sh calls it; on its own it loads scripts/services.sh's environment)
#
# Provisions the demo tenant and its administrator (idempotent) and prints a working login.
# DEMO_PASSWORD overrides the generated password, DEMO_EMAIL the administrator's address.
set -euo pipefail
if [[ "${1:-}" =~ ^(-h|--help)$ ]]; then sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0; fi
cd "$(dirname "$0")/.."
if [ -z "${DATABASE_URL:-}" ]; then
  services_env="$(PYTHON=.venv/bin/python scripts/services.sh)"
  eval "$services_env"
fi
manage() { .venv/bin/python manage.py "$@"; }
email="${DEMO_EMAIL:-owner@demo.localhost}"
password_file=".run/demo-password"

if manage list_tenants | cut -f1 | grep -qx demo; then
  echo "demo tenant: already provisioned"
else
  manage create_tenant --slug demo --name "Démo Bistro" --domain demo.localhost
fi

mkdir -p .run
if [ -n "${DEMO_PASSWORD:-}" ]; then
  printf '%s\n' "$DEMO_PASSWORD" > "$password_file"
elif [ ! -s "$password_file" ]; then
  # A fresh random passphrase per checkout, kept (git-ignored) so the login stays the same across runs.
  .venv/bin/python -c 'import secrets; print("demo-" + secrets.token_urlsafe(12))' > "$password_file"
fi
chmod 600 "$password_file"
manage create_tenant_user --tenant demo --email "$email" --admin --verified \
  --first-name Demo --last-name Owner --password-stdin < "$password_file"

# The team's real data, when the shared folder sits beside the checkout: the demo then has something to show.
# The till export first: its establishment becomes the restaurant's site (a tenant with several sites would
# have to map it by hand), then the METRO invoices, whose customer numbers add their own sites.
shared="${MASSACORP_SHARED_DIR:-../shared}/data"
till="$(ls "$shared"/sumup/*.zip 2>/dev/null | head -n 1 || true)"
if [ -n "$till" ]; then
  # Not fatal: a demo whose invoices were imported first has two sites, and the till then waits for a mapping.
  manage import_sumup --tenant demo "$till" | tail -n 6 || echo "demo: the till export was not imported (above)"
fi
if [ -d "$shared/metro/invoices" ]; then
  manage import_metro --tenant demo "$shared/metro/invoices" | tail -n 6
fi

port="${PORT:-8000}"
cat <<TXT

Demo login (tenant "demo"):
  email:    $email
  password: $(cat "$password_file")
  curl -s -H 'X-Tenant-ID: demo' -H 'Content-Type: application/json' \\
    -d '{"email": "$email", "password": "$(cat "$password_file")"}' http://127.0.0.1:$port/api/v1/auth/login
TXT
