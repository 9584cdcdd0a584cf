"""Login while Redis is down: the limits and locks move to PostgreSQL (never open), and Redis takes over
again when it returns. Redis here is a private server that the test kills and restarts."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.ratelimit.backends import PostgresBackend, RedisBackend, get_backend
from shared_apps.ratelimit.failover import FailoverBackend
from tests.factories.accounts import PASSWORD, member_a  # noqa: F401
from tests.support.redis_server import PrivateRedis, private_redis

pytestmark = pytest.mark.django_db(transaction=False)

RETRY_SECONDS = 0.3


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[PrivateRedis]:
    with private_redis(tmp_path) as server:
        yield server


@pytest.fixture
def on_private_redis(settings: Any, redis_server: PrivateRedis) -> Iterator[FailoverBackend]:
    settings.RATELIMIT_ENABLED = True
    settings.RATELIMIT_BACKEND = "redis"
    settings.RATELIMIT_REDIS_URL = redis_server.url
    settings.REDIS_URL = redis_server.url  # sessions' revocation keys and cached principals too
    settings.RATELIMIT_REDIS_RETRY_SECONDS = RETRY_SECONDS
    settings.REDIS_KEY_PREFIX = f"{settings.REDIS_KEY_PREFIX}outage:{time.monotonic_ns()}:"
    settings.LOCKOUT_CAPTCHA_AFTER = 100
    settings.LOCKOUT_DELAY_AFTER = 100
    backend = get_backend()
    assert isinstance(backend, FailoverBackend)
    yield backend
    backend.clear()


def _attempt(client: Client, email: str, password: str) -> int:
    response = client.post(
        "/api/v1/auth/login", {"email": email, "password": password}, content_type="application/json"
    )
    return int(response.status_code)


def test_login_limits_hold_in_postgresql_while_redis_is_down_and_return_to_redis(
    client_a: Client,
    member_a: Membership,  # noqa: F811
    settings: Any,
    redis_server: PrivateRedis,
    on_private_redis: FailoverBackend,
) -> None:
    settings.LOGIN_RATE_LIMIT_PER_ACCOUNT = 3
    email = member_a.user.email
    assert _attempt(client_a, email, PASSWORD) == 200
    assert redis_server.key_count() > 0  # the counters were in Redis

    redis_server.kill()
    logged_in = client_a.post(
        "/api/v1/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
    )
    assert logged_in.status_code == 200
    token = logged_in.json()["access_token"]
    assert client_a.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
    statuses = [_attempt(client_a, email, "wrong password 1") for _ in range(3)]
    assert statuses == [401, 401, 429]  # the 4th attempt in the window: still limited, counted in PostgreSQL

    redis_server.start()  # empty: no persistence
    time.sleep(RETRY_SECONDS + 0.1)
    assert _attempt(client_a, "someone.else@example.com", "wrong password 1") == 401
    assert on_private_redis.active == "redis"
    assert redis_server.key_count() > 0  # counting in Redis again


def test_a_lock_outlives_a_redis_outage_and_a_redis_restart(
    client_a: Client,
    member_a: Membership,  # noqa: F811
    settings: Any,
    redis_server: PrivateRedis,
    on_private_redis: FailoverBackend,
) -> None:
    settings.LOGIN_RATE_LIMIT_PER_ACCOUNT = 100
    email = member_a.user.email
    for _ in range(settings.LOCKOUT_LOCK_AFTER):
        assert _attempt(client_a, email, "wrong password 1") == 401
    assert _attempt(client_a, email, PASSWORD) == 401  # locked

    redis_server.kill()
    assert _attempt(client_a, email, PASSWORD) == 401  # still locked, and no 500

    redis_server.start()
    time.sleep(RETRY_SECONDS + 0.1)
    assert _attempt(client_a, email, PASSWORD) == 401
    assert on_private_redis.active == "redis"


def test_the_captcha_requirement_outlives_a_flushdb_and_a_redis_restart_without_data(
    client_a: Client,
    member_a: Membership,  # noqa: F811
    settings: Any,
    redis_server: PrivateRedis,
    on_private_redis: FailoverBackend,
) -> None:
    settings.LOGIN_RATE_LIMIT_PER_ACCOUNT = 100
    settings.LOCKOUT_CAPTCHA_AFTER = 3
    email = member_a.user.email
    for _ in range(3):
        assert _attempt(client_a, email, "wrong password 1") == 401

    def captcha_demanded() -> bool:
        response = client_a.post(
            "/api/v1/auth/login", {"email": email, "password": PASSWORD}, content_type="application/json"
        )
        return response.status_code == 401 and response.json()["details"]["captcha_required"] is True

    assert captcha_demanded()
    redis.Redis.from_url(redis_server.url).flushdb()
    assert captcha_demanded()  # the failure count is gone with Redis, the requirement is not
    redis_server.kill()
    redis_server.start()  # empty
    time.sleep(RETRY_SECONDS + 0.1)
    assert captcha_demanded()
    assert on_private_redis.active == "redis"


def test_after_a_failure_redis_is_left_alone_for_the_retry_period(settings: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = int(probe.getsockname()[1])
    prefix = f"{settings.REDIS_KEY_PREFIX}circuit:{time.monotonic_ns()}:"
    dead = redis.Redis.from_url(f"redis://127.0.0.1:{closed}/0", socket_connect_timeout=1)
    backend = FailoverBackend(
        primary=RedisBackend(client=dead, prefix=prefix),
        fallback=PostgresBackend(prefix=prefix),
        retry_seconds=600,
    )
    try:
        assert backend.incr("k", 60_000)[0] == 1
        assert backend.active == "postgres"
        assert backend.incr("k", 60_000)[0] == 2  # counted on in PostgreSQL
    finally:
        backend.clear()
        backend.close()
