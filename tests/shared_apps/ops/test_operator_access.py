"""Who may read /metrics and /health/deep without the token: a client on an allowed network, where the
client is what a trusted proxy says, never a proxy's own loopback address; in production, nobody unless
networks are named."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.config.test_production_settings import GOOD
from tests.conftest import SHARED_HOST

pytestmark = pytest.mark.django_db

PATHS = ["/health/deep", "/metrics"]
TOKEN: dict[str, Any] = {"HTTP_AUTHORIZATION": "Bearer test-metrics-token"}


@pytest.mark.parametrize("path", PATHS)
def test_without_allowed_networks_a_loopback_peer_needs_the_token(settings: Any, path: str) -> None:
    settings.INTERNAL_NETWORKS = []
    client = Client(HTTP_HOST=SHARED_HOST, REMOTE_ADDR="127.0.0.1")
    assert client.get(path).status_code == 403
    assert client.get(path, **TOKEN).status_code == 200


@pytest.mark.parametrize("path", PATHS)
def test_behind_a_trusted_proxy_on_this_host_the_forwarded_client_is_judged(settings: Any, path: str) -> None:
    settings.INTERNAL_NETWORKS = ["127.0.0.0/8", "10.0.0.0/8"]
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    proxy = Client(HTTP_HOST=SHARED_HOST, REMOTE_ADDR="127.0.0.1")
    assert proxy.get(path, HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 403
    assert proxy.get(path, HTTP_X_FORWARDED_FOR="10.1.2.3").status_code == 200


@pytest.mark.parametrize("path", PATHS)
def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(settings: Any, path: str) -> None:
    settings.INTERNAL_NETWORKS = ["127.0.0.0/8"]
    settings.TRUSTED_PROXIES = []
    outsider = Client(HTTP_HOST=SHARED_HOST, REMOTE_ADDR="203.0.113.9")
    assert outsider.get(path, HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 403


def _production_setting(name: str, environ: dict[str, str]) -> str:
    root = Path(__file__).resolve().parents[3]
    keep = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "DATABASE_URL", "LANG"}}
    code = f"from django.conf import settings; import django; django.setup(); print(settings.{name})"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        env={**keep, **environ, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_production_allows_no_network_unless_told() -> None:
    assert _production_setting("INTERNAL_NETWORKS", {"DJANGO_ENV": "production", **GOOD}) == "[]"
    told = {"DJANGO_ENV": "production", **GOOD, "INTERNAL_NETWORKS": "10.0.0.0/8"}
    assert _production_setting("INTERNAL_NETWORKS", told) == "['10.0.0.0/8']"
