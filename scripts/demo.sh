#!/usr/bin/env bash
# Provisions the demo tenant (idempotent). Expects the environment of scripts/services.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
manage() { .venv/bin/python manage.py "$@"; }
if manage list_tenants | cut -f1 | grep -qx demo; then
  echo "demo tenant: already provisioned"
else
  manage create_tenant --slug demo --name "Démo Bistro" --domain demo.localhost
fi
