"""The per-process copy of Redis keys (near_cache): answered without a round trip, and never stale once Redis
has told of a change — whatever the change, and whichever of its two connections is lost."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.core import near_cache
from shared_apps.core.near_cache import NearCache
from shared_apps.core.redis_keys import redis_key
from tests.factories.accounts import bearer, login
from tests.support.ratelimit import redis_url_for_tests
from tests.support.redis_server import private_redis_server

AGE = 30.0  # long enough that no entry of a test runs out by age, unless the test waits for it


@pytest.fixture
def url(settings: Any) -> str:
    url = redis_url_for_tests(settings)
    settings.REDIS_URL = url
    return url


@pytest.fixture
def cache(url: str) -> Iterator[NearCache]:
    copy = NearCache(url)
    yield copy
    copy.read(["x"], max_age=AGE)  # connected, so that closing below closes something
    copy._forget_connections(close=True)


@pytest.fixture
def writer(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


@pytest.fixture
def key(writer: redis.Redis) -> Iterator[str]:
    name = redis_key(f"near:{uuid.uuid4()}")
    yield name
    writer.delete(name)


def test_a_repeated_read_is_answered_from_the_copy(cache: NearCache, writer: redis.Redis, key: str) -> None:
    writer.set(key, b"v1")
    assert cache.read([key], max_age=AGE) == [b"v1"]
    assert cache.read([key], max_age=AGE) == [b"v1"]
    assert (cache.misses, cache.hits) == (1, 1)


CHANGES: dict[str, Callable[[redis.Redis, str], Any]] = {
    "set": lambda w, k: w.set(k, b"v2"),
    "delete": lambda w, k: w.delete(k),
    "expire": lambda w, k: w.pexpire(k, 1),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_by_another_client_is_seen_on_the_next_read(
    cache: NearCache, writer: redis.Redis, key: str, change: str
) -> None:
    writer.set(key, b"v1")
    assert cache.read([key], max_age=AGE) == [b"v1"]
    CHANGES[change](writer, key)
    near_cache.barrier(writer)
    if change == "expire":
        time.sleep(0.01)
        writer.get(key)  # an access deletes an expired key at once (else Redis's sweep does, later)
        near_cache.barrier(writer)
    expected = b"v2" if change == "set" else None
    assert writer.get(key) == expected
    assert cache.read([key], max_age=AGE) == [expected]
    assert cache.misses == 2  # read again from Redis, not from the copy


def test_a_flush_of_another_database_is_seen_on_the_next_read(tmp_path: Path) -> None:
    """A FLUSHDB anywhere on the server invalidates every tracked key (the message names none), so the copy
    is dropped though the key itself kept its value. On a server of the test's own: a FLUSHDB on a shared
    server would empty a database someone else may be using."""
    with private_redis_server(tmp_path) as base:
        cache, writer = NearCache(f"{base}0"), redis.Redis.from_url(f"{base}0")
        writer.set("k", b"v1")
        assert cache.read(["k"], max_age=AGE) == [b"v1"]
        redis.Redis.from_url(f"{base}1").flushdb()
        near_cache.barrier(writer)
        assert cache.read(["k"], max_age=AGE) == [b"v1"]
        assert cache.misses == 2  # read again from Redis, not from the copy
        cache._forget_connections(close=True)


def test_an_absent_key_that_appears_is_seen_on_the_next_read(
    cache: NearCache, writer: redis.Redis, key: str
) -> None:
    """The revocation case: a live session's key does not exist until the session is revoked."""
    assert cache.read([key], max_age=AGE) == [None]
    assert cache.read([key], max_age=AGE) == [None]
    writer.set(key, b"1")
    near_cache.barrier(writer)
    assert cache.read([key], max_age=AGE) == [b"1"]


@pytest.mark.parametrize("lost", ["invalidation", "tracking"])
def test_a_lost_connection_never_lets_a_stale_value_through(
    cache: NearCache, writer: redis.Redis, key: str, lost: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer.set(key, b"v1")
    assert cache.read([key], max_age=AGE) == [b"v1"]
    assert cache.client_ids is not None
    invalidation_id, tracking_id = cache.client_ids
    writer.client_kill_filter(_id=str(invalidation_id if lost == "invalidation" else tracking_id))
    # Once its invalidation connection is gone Redis cannot tell this copy of the change at all.
    writer.set(key, b"v2")
    near_cache.barrier(writer)
    answer = cache.read([key], max_age=AGE)
    assert answer is None  # the caller reads Redis itself
    assert cache.resets == 1
    monkeypatch.setattr(near_cache, "RETRY_SECONDS", 0.0)
    cache._retry_at = 0.0
    assert cache.read([key], max_age=AGE) == [b"v2"]  # set up again, on new connections
    assert cache.client_ids not in (None, (invalidation_id, tracking_id))


def test_entries_run_out_after_their_age(cache: NearCache, writer: redis.Redis, key: str) -> None:
    writer.set(key, b"v1")
    cache.read([key], max_age=0.05)
    time.sleep(0.06)
    cache.read([key], max_age=0.05)
    assert (cache.misses, cache.hits) == (2, 0)


def test_a_forked_process_does_not_use_its_parents_connections(
    cache: NearCache, writer: redis.Redis, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer.set(key, b"v1")
    cache.read([key], max_age=AGE)
    parent_ids = cache.client_ids
    monkeypatch.setattr(os, "getpid", lambda: -1)  # as after a fork
    assert cache.read([key], max_age=AGE) == [b"v1"]
    assert cache.misses == 2  # the copy was dropped with the connections
    assert cache.client_ids not in (None, parent_ids)


def test_redis_unreachable_means_no_answer_not_an_error(settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens on the discard port
    near_cache.for_url.cache_clear()
    assert near_cache.read(["any"]) is None


def test_the_copy_can_be_turned_off(url: str, settings: Any, writer: redis.Redis, key: str) -> None:
    settings.AUTHN_NEAR_CACHE_SECONDS = 0
    assert near_cache.read([key]) is None


@pytest.mark.django_db
def test_logout_is_refused_on_the_next_request_from_a_warm_copy(
    url: str, client_a: Client, member_a: Membership
) -> None:
    near_cache.for_url.cache_clear()
    headers = bearer(login(client_a, member_a.user.email))
    for _ in range(3):
        assert client_a.get("/api/v1/auth/me", **headers).status_code == 200
    assert near_cache.for_url(url).hits >= 1  # the requests above were answered from the copy
    logout = client_a.post("/api/v1/auth/logout", {}, content_type="application/json", **headers)
    assert logout.status_code == 200
    assert client_a.get("/api/v1/auth/me", **headers).status_code == 401


def test_a_server_that_refuses_tracking_leaves_the_copy_off_for_a_while(
    cache: NearCache, writer: redis.Redis, key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A managed Redis may disable CLIENT: requests then read Redis directly, without a retry per request."""
    real = redis.connection.Connection.send_command

    def refusing(self: Any, *args: Any, **kwargs: Any) -> None:
        real(self, *(("NO-SUCH-COMMAND",) if args[:2] == ("CLIENT", "TRACKING") else args), **kwargs)

    monkeypatch.setattr(redis.connection.Connection, "send_command", refusing)
    assert cache.read([key], max_age=AGE) is None
    monkeypatch.undo()
    assert cache.read([key], max_age=AGE) is None  # not tried again at once
    assert cache.resets == 1
