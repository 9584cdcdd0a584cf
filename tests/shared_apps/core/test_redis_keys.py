"""Every key the project keeps in Redis starts with settings.REDIS_KEY_PREFIX, so that deployments and test
runs sharing one Redis database neither read nor clear each other's counters, locks and revocations."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import Client

from shared_apps.tenants.models import Tenant
from tests.factories.accounts import PASSWORD, bearer, login, make_member
from tests.support.redis_server import private_redis_server

pytestmark = [pytest.mark.django_db, pytest.mark.redis]


def test_the_keys_of_a_failed_login_a_login_a_request_and_a_logout_all_start_with_the_prefix(
    client_a: Client, tenant_a: Tenant, settings: Any, tmp_path: Path
) -> None:
    # A server of the test's own: whatever it holds afterwards was written by the requests below.
    with private_redis_server(tmp_path) as base:
        url = f"{base}0"
        settings.REDIS_URL = settings.RATELIMIT_REDIS_URL = url
        settings.RATELIMIT_BACKEND, settings.RATELIMIT_ENABLED = "redis", True
        settings.REDIS_KEY_PREFIX = prefix = f"own-{uuid.uuid4().hex[:8]}:"
        email = make_member(tenant=tenant_a).user.email
        wrong = {"email": email, "password": "not " + PASSWORD}
        failed = client_a.post("/api/v1/auth/login", wrong, content_type="application/json")
        assert failed.status_code == 401
        headers = bearer(login(client_a, email))
        assert client_a.get("/api/v1/auth/me", **headers).status_code == 200
        logout = client_a.post("/api/v1/auth/logout", {}, content_type="application/json", **headers)
        assert logout.status_code == 200
        keys = [key.decode() for key in redis.Redis.from_url(url).scan_iter()]
    outside = [key for key in keys if not key.startswith(prefix)]
    assert outside == []
    kinds = {":".join(key.removeprefix(prefix).split(":")[:2]) for key in keys}
    # Rate limits and the lockout, the cached principal, the revocation: each kind was written.
    assert {"authn:principal", "authn:revoked"} <= kinds
    assert any(not kind.startswith("authn:") for kind in kinds), kinds
