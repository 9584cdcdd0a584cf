"""Test set-up: the real PostgreSQL; two tenants created once per session, each test rolled back."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from django.conf import settings
from django.test import Client

from shared_apps.core import redis_fence
from shared_apps.tenants.db import use_public_schema
from shared_apps.tenants.models import Tenant
from shared_apps.tenants.routing import clear_routing_cache
from shared_apps.tenants.services import tenant_create

TENANT_A = {"slug": "alpha", "name": "Alpha Bistro", "domain": "alpha.testserver"}
TENANT_B = {"slug": "beta", "name": "Beta Épicerie", "domain": "beta.testserver"}
SHARED_HOST = "api.testserver"


def _get_or_create(spec: dict[str, str]) -> Tenant:
    tenant = Tenant.objects.filter(slug=spec["slug"]).first()
    return tenant or tenant_create(slug=spec["slug"], name=spec["name"], domain=spec["domain"])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        _get_or_create(TENANT_A)
        _get_or_create(TENANT_B)
    yield
    redis_fence.listener_close()  # its connection would keep the test database from being dropped


@pytest.fixture(scope="session", autouse=True)
def _redis_keys_of_this_run() -> Iterator[None]:
    """At the end, remove whatever this process left in Redis: all of it is under its own prefix
    (config.settings.test), so a shared Redis database does not fill up run after run."""
    yield
    if not settings.REDIS_URL:
        return
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=5)
    with contextlib.suppress(redis.RedisError), contextlib.closing(client):  # no Redis: nothing to remove
        keys = list(client.scan_iter(match=f"{settings.REDIS_KEY_PREFIX}*", count=1000))
        for start in range(0, len(keys), 1000):
            client.unlink(*keys[start : start + 1000])


@pytest.fixture(autouse=True)
def _public_schema_between_tests() -> Iterator[None]:
    yield
    use_public_schema()
    clear_routing_cache()


@pytest.fixture
def tenant_a(db: None) -> Tenant:
    return Tenant.objects.get(slug=TENANT_A["slug"])


@pytest.fixture
def tenant_b(db: None) -> Tenant:
    return Tenant.objects.get(slug=TENANT_B["slug"])


@pytest.fixture
def client_a(tenant_a: Tenant) -> Client:
    return Client(HTTP_HOST=TENANT_A["domain"])


@pytest.fixture
def client_b(tenant_b: Tenant) -> Client:
    return Client(HTTP_HOST=TENANT_B["domain"])


@pytest.fixture
def shared_client(db: None) -> Client:
    """A client on the shared API host: the X-Tenant-ID header picks the tenant."""
    return Client(HTTP_HOST=SHARED_HOST)
