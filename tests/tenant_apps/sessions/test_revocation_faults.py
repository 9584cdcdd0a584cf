"""Logout survives whatever Redis loses: a FLUSHDB, a restart without persistence, an outage, an eviction,
and a partition during the logout after which Redis is reachable again with its data (the missed delete is
recorded in PostgreSQL, and no process trusts Redis until it is replayed).
Redis only ever caches "this session was alive", so a lost key sends the request to PostgreSQL, where the
session is revoked. Each test runs against a redis-server of its own (killing or flushing a shared one would
hit other test runs)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import psycopg
import pytest
import redis
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.core import near_cache, redis_fence
from shared_apps.core.direct_db import direct_connection_params
from shared_apps.core.redis_keys import redis_key
from tests.factories.accounts import bearer, login
from tests.support.redis_server import PrivateRedis, private_redis, unreachable_redis

pytestmark = pytest.mark.django_db

ME = "/api/v1/auth/me"


@pytest.fixture
def server(tmp_path: Path, settings: Any) -> Iterator[PrivateRedis]:
    with private_redis(tmp_path) as handle:
        settings.REDIS_URL = f"{handle.base}0"
        near_cache.for_url.cache_clear()
        yield handle
        near_cache.for_url.cache_clear()
        # What a test recorded was rolled back with it: this process reads the record afresh.
        redis_fence.listener_close()


def _writer(server: PrivateRedis) -> redis.Redis:
    return redis.Redis.from_url(f"{server.base}0")


def _logged_out(client: Client, member: Membership) -> dict[str, Any]:
    """A token whose session was alive, cached as alive in Redis (two requests: the near cache too), and
    then logged out; its headers."""
    headers = bearer(login(client, member.user.email))
    for _ in range(2):
        assert client.get(ME, **headers).status_code == 200
    logout = client.post("/api/v1/auth/logout", {}, content_type="application/json", **headers)
    assert logout.status_code == 200
    assert client.get(ME, **headers).status_code == 401
    return headers


def test_logout_holds_after_a_flushdb(server: PrivateRedis, client_a: Client, member_a: Membership) -> None:
    headers = _logged_out(client_a, member_a)
    writer = _writer(server)
    writer.flushdb()
    near_cache.barrier(writer)
    assert client_a.get(ME, **headers).status_code == 401


def test_logout_holds_after_redis_is_killed_and_restarted_empty(
    server: PrivateRedis, client_a: Client, member_a: Membership
) -> None:
    headers = _logged_out(client_a, member_a)
    server.kill()
    server.start()
    assert _writer(server).dbsize() == 0
    assert client_a.get(ME, **headers).status_code == 401


def test_logout_holds_after_its_keys_are_evicted(
    server: PrivateRedis, client_a: Client, member_a: Membership
) -> None:
    headers = _logged_out(client_a, member_a)
    writer = _writer(server)
    for key in list(writer.scan_iter(redis_key("*"))):  # one by one, as eviction drops them
        writer.delete(key)
    near_cache.barrier(writer)
    assert client_a.get(ME, **headers).status_code == 401


def test_a_fact_stored_by_a_request_racing_the_logout_is_not_trusted(
    server: PrivateRedis, client_a: Client, member_a: Membership
) -> None:
    """A request that read the session row before the logout committed may store "alive" afterwards: it
    stores it under the session's generation, which the logout deleted, so no reader trusts it."""
    headers = bearer(login(client_a, member_a.user.email))
    assert client_a.get(ME, **headers).status_code == 200
    writer = _writer(server)
    [alive_key] = list(writer.scan_iter(redis_key("authn:alive:*")))
    stale = cast(bytes | None, writer.get(alive_key))
    assert stale
    client_a.post("/api/v1/auth/logout", {}, content_type="application/json", **headers)
    writer.set(alive_key, stale, ex=60)  # the racing request's late write
    near_cache.barrier(writer)
    assert client_a.get(ME, **headers).status_code == 401


def test_logout_holds_while_redis_is_down(
    server: PrivateRedis, client_a: Client, member_a: Membership
) -> None:
    before = _logged_out(client_a, member_a)
    during = bearer(login(client_a, member_a.user.email))
    assert client_a.get(ME, **during).status_code == 200
    server.kill()
    assert client_a.get(ME, **before).status_code == 401
    assert client_a.get(ME, **during).status_code == 200  # read from PostgreSQL
    logout = client_a.post("/api/v1/auth/logout", {}, content_type="application/json", **during)
    assert logout.status_code == 200
    assert client_a.get(ME, **during).status_code == 401


def test_login_and_refresh_work_while_redis_is_down(
    server: PrivateRedis, client_a: Client, member_a: Membership
) -> None:
    server.kill()
    tokens = login(client_a, member_a.user.email)
    assert client_a.get(ME, **bearer(tokens)).status_code == 200
    refreshed = client_a.post(
        "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}, content_type="application/json"
    )
    assert refreshed.status_code == 200, refreshed.content
    assert client_a.get(ME, **bearer(refreshed.json())).status_code == 200


def test_logout_holds_when_redis_missed_it_and_comes_back_with_its_data(
    server: PrivateRedis, client_a: Client, member_a: Membership, settings: Any
) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    for _ in range(2):  # "alive" in Redis, and in this process's near cache
        assert client_a.get(ME, **headers).status_code == 200
    writer = _writer(server)
    [alive_key] = list(writer.scan_iter(redis_key("authn:alive:*")))
    with unreachable_redis(settings):
        logout = client_a.post("/api/v1/auth/logout", {}, content_type="application/json", **headers)
        assert logout.status_code == 200
        assert client_a.get(ME, **headers).status_code == 401  # PostgreSQL, Redis not answering
    assert writer.get(alive_key)  # reachable again with its data: the stale "alive" fact is there
    assert client_a.get(ME, **headers).status_code == 401
    time.sleep(redis_fence.RETRY_SECONDS)  # the failed replay's pause
    assert client_a.get(ME, **headers).status_code == 401
    assert not writer.exists(alive_key)  # the missed delete was replayed
    assert redis_fence.redis_facts_trusted()


def test_a_write_redis_missed_in_another_process_stops_trust_in_this_one(
    server: PrivateRedis, settings: Any
) -> None:
    """Another process records a missed write (committed, with its NOTIFY): this one stops trusting Redis
    at its next read, without a query, until the record is gone."""
    assert redis_fence.redis_facts_trusted()
    params = direct_connection_params(application_name="test-other-process")
    with psycopg.connect(**params, autocommit=True) as other:
        try:
            with unreachable_redis(settings):  # so that this process cannot replay it meanwhile
                other.execute(
                    "INSERT INTO core_missed_redis_write (key, renew_seconds, created_at) "
                    "VALUES (%s, 0, now())",
                    [redis_key("authn:alive:elsewhere")],
                )
                other.execute(f"NOTIFY {redis_fence.CHANNEL}")
                time.sleep(0.2)  # delivery to this process's socket
                assert not redis_fence.redis_facts_trusted()
        finally:
            other.execute("DELETE FROM core_missed_redis_write")
            other.execute(f"NOTIFY {redis_fence.CHANNEL}")
    time.sleep(0.2)
    assert redis_fence.redis_facts_trusted()
