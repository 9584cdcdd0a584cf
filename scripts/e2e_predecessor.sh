#!/usr/bin/env bash
# Usage: scripts/e2e_predecessor.sh CHECKOUT BASE_URL [TENANT_ID] [-- PYTEST_ARGS…]
#
# Runs the predecessor's HTTP end-to-end suites (tests/e2e/test_auth_flows_e2e.py, test_security_e2e.py and
# test_admin_users_e2e.py of an externally supplied CHECKOUT, left unchanged) against a live server of ours
# at BASE_URL. The suites were written for FastAPI's in-process TestClient(app): a small stand-in for
# `fastapi.testclient` and `app.main` (built in a temporary folder, first on the path) sends the same calls
# over HTTP instead, adding `X-Tenant-ID: TENANT_ID` (default 1) where a test sends none. Imports of the
# predecessor's other internals (app.services…, app.core…) are not stood in for: those tests fail.
# Their conftest.py is not loaded (it sets up the predecessor's own database). For the registration paths the
# tenant must allow self-signup (tenant setting allow_self_signup), as the predecessor did.
#
# The server: any settings with rate limits off (RATELIMIT_ENABLED=false, as the predecessor's test settings),
# a tenant with that id, and the suites' admin (admin@massacorp.dev / Massacorp2024!) as a tenant admin, e.g.
#   scripts/manage.sh create_tenant --slug alpha --name Alpha --domain alpha.localhost
#   printf 'Massacorp2024!\n' | scripts/manage.sh create_tenant_user --tenant alpha \
#     --email admin@massacorp.dev --admin --verified --password-stdin
#   RATELIMIT_ENABLED=false scripts/manage.sh runserver 127.0.0.1:8010 --noreload
# PYTHON names an interpreter with pytest and requests, outside this project's environment (default python3).
set -euo pipefail
if [[ "${1:-}" =~ ^(-h|--help)$ ]]; then sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0; fi
if [ $# -lt 2 ]; then sed -n '2p' "$0" | sed 's/^# //' >&2; exit 2; fi
checkout="$(cd "$1" && pwd)"
base_url="$2"
tenant="${3:-1}"
shift $(( $# >= 3 ? 3 : 2 ))
[ "${1:-}" = "--" ] && shift
shim="$(mktemp -d)"
trap 'rm -rf "$shim"' EXIT
mkdir -p "$shim/fastapi" "$shim/app"
touch "$shim/fastapi/__init__.py" "$shim/app/__init__.py"
echo 'app = None  # the server is remote: see fastapi/testclient.py beside it' > "$shim/app/main.py"
cat > "$shim/fastapi/testclient.py" <<'PY'
"""FastAPI's TestClient(app), answered by a live server over HTTP (E2E_BASE_URL, E2E_TENANT_ID)."""

import os
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict


class TestClient:
    __test__ = False

    def __init__(self, app: Any = None, **_: Any) -> None:
        self.base_url = os.environ["E2E_BASE_URL"].rstrip("/")
        self.tenant = os.environ.get("E2E_TENANT_ID", "")
        self.session = requests.Session()

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        headers = CaseInsensitiveDict(kwargs.pop("headers", None) or {})
        if self.tenant:
            headers.setdefault("X-Tenant-ID", self.tenant)
        kwargs.setdefault("allow_redirects", kwargs.pop("follow_redirects", False))
        return self.session.request(method, self.base_url + url, headers=headers, timeout=60, **kwargs)

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> requests.Response:
        return self.request("OPTIONS", url, **kwargs)
PY
cd "$checkout"
# -P and importlib: the checkout (it has an app/ package and tests/__init__.py) never goes on sys.path before the
# stand-ins.
E2E_BASE_URL="$base_url" E2E_TENANT_ID="$tenant" PYTHONPATH="$shim" "${PYTHON:-python3}" -P -m pytest --import-mode=importlib \
  --noconftest -p no:cacheprovider --rootdir "$shim" -q -rfE \
  tests/e2e/test_auth_flows_e2e.py tests/e2e/test_security_e2e.py tests/e2e/test_admin_users_e2e.py "$@"
