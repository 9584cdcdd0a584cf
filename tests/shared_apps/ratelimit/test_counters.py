"""Fixed-window counters on both backends: limits, expiry, exactness under concurrency, 429 mapping."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from shared_apps.core.exception_handlers import api_exception_handler
from shared_apps.core.exceptions import RateLimited
from shared_apps.ratelimit.backends import CounterBackend, PostgresBackend, backend_name
from shared_apps.ratelimit.services import RateLimit, enforce, hit, peek, ratelimit_clear_all, reset


def _in_threads(threads: int, work: Callable[[], None], backend: CounterBackend) -> None:
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            work()
        except BaseException as error:  # surfaced below
            errors.append(error)
        finally:
            if isinstance(backend, PostgresBackend):
                backend.close()

    pool = [threading.Thread(target=run) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=60)
    assert not errors, errors


def test_hits_pass_up_to_the_limit_then_are_refused(backend: CounterBackend) -> None:
    decisions = [hit("k", limit=3, window_seconds=60) for _ in range(5)]
    assert [d.allowed for d in decisions] == [True, True, True, False, False]
    assert [d.count for d in decisions] == [1, 2, 3, 4, 5]
    assert decisions[0].retry_after == 0
    assert 0 < decisions[3].retry_after <= 60


def test_keys_are_counted_separately(backend: CounterBackend) -> None:
    hit("a", limit=1, window_seconds=60)
    assert hit("b", limit=1, window_seconds=60).allowed


def test_the_window_expires_and_the_count_starts_again(backend: CounterBackend) -> None:
    assert hit("k", limit=1, window_seconds=1).allowed
    refused = hit("k", limit=1, window_seconds=1)
    assert not refused.allowed
    assert refused.retry_after == 1
    time.sleep(1.1)
    again = hit("k", limit=1, window_seconds=1)
    assert (again.allowed, again.count) == (True, 1)


def test_peek_does_not_count_and_reset_forgets(backend: CounterBackend) -> None:
    assert peek("k", 60).count == 0
    for _ in range(2):
        hit("k", limit=2, window_seconds=60)
    assert peek("k", 60).count == 2
    assert peek("k", 60).count == 2
    full = peek("k", 60, limit=2)
    assert not full.allowed
    assert 0 < full.retry_after <= 60
    assert peek("k", 60, limit=3).allowed
    reset("k")
    assert peek("k", 60).count == 0
    assert hit("k", limit=2, window_seconds=60).count == 1


def test_concurrent_hits_are_counted_exactly(backend: CounterBackend) -> None:
    threads, per_thread, limit = 8, 50, 100
    allowed: list[bool] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(per_thread):
            decision = hit("hot", limit=limit, window_seconds=60)
            with lock:
                allowed.append(decision.allowed)

    _in_threads(threads, work, backend)
    assert peek("hot", 60).count == threads * per_thread
    assert allowed.count(True) == limit


def test_add_elects_exactly_one_creator_under_concurrency(backend: CounterBackend) -> None:
    created: list[bool] = []

    def work() -> None:
        for _ in range(20):
            created.append(backend.add("once", 60_000))

    _in_threads(8, work, backend)
    assert created.count(True) == 1


def test_add_succeeds_again_once_the_key_expired(backend: CounterBackend) -> None:
    assert backend.add("once", 300)
    assert not backend.add("once", 300)
    time.sleep(0.4)
    assert backend.add("once", 300)


def test_sliding_increment_pushes_the_expiry(backend: CounterBackend) -> None:
    backend.incr("s", 1000, sliding=True)
    time.sleep(0.6)
    count, ttl_ms = backend.incr("s", 1000, sliding=True)
    assert count == 2
    assert ttl_ms > 900
    time.sleep(0.6)  # 1.2 s after the first increment: alive only because the second one slid it
    assert backend.get_many(["s"])["s"][0] == 2


def test_enforce_raises_rate_limited_with_retry_after(backend: CounterBackend) -> None:
    spec = RateLimit(name="login:account", limit=2, window_seconds=60)
    enforce(spec, "t1:acct:x")
    enforce(spec, "t1:acct:x")
    with pytest.raises(RateLimited) as caught:
        enforce(spec, "t1:acct:x")
    assert 0 < caught.value.retry_after <= 60
    response = api_exception_handler(caught.value, {})
    assert response is not None
    assert response.status_code == 429
    assert response["Retry-After"] == str(caught.value.retry_after)
    assert response.data["error"] == "RATE_LIMITED"


def test_enforce_counts_per_spec_name(backend: CounterBackend) -> None:
    enforce(RateLimit(name="a", limit=1, window_seconds=60), "same-key")
    enforce(RateLimit(name="b", limit=1, window_seconds=60), "same-key")


def test_enforce_does_nothing_when_rate_limiting_is_off(backend: CounterBackend, settings: Any) -> None:
    settings.RATELIMIT_ENABLED = False
    spec = RateLimit(name="x", limit=1, window_seconds=60)
    for _ in range(3):
        enforce(spec, "k")
    assert peek("x:k", 60).count == 0


def test_rate_limit_spec_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="limit"):
        RateLimit(name="x", limit=0, window_seconds=60)


def test_clear_removes_only_this_prefix(backend: CounterBackend, settings: Any) -> None:
    hit("k", limit=5, window_seconds=60)
    own_prefix = settings.REDIS_KEY_PREFIX
    settings.REDIS_KEY_PREFIX = own_prefix + "other:"
    hit("k", limit=5, window_seconds=60)
    ratelimit_clear_all()
    assert peek("k", 60).count == 0
    settings.REDIS_KEY_PREFIX = own_prefix
    assert peek("k", 60).count == 1


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_postgres_counter_survives_the_callers_rollback(backend: CounterBackend) -> None:
    # A failed login raises and rolls back its transaction; its hit must count all the same.
    def failed_login() -> None:
        with transaction.atomic():
            hit("k", limit=5, window_seconds=60)
            raise RuntimeError("login failed")

    with pytest.raises(RuntimeError):
        failed_login()
    assert peek("k", 60).count == 1


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_postgres_expired_row_is_reset_by_the_same_statement(backend: CounterBackend) -> None:
    backend.incr("k", 200)
    backend.incr("k", 200)
    time.sleep(0.3)
    assert backend.get_many(["k"]) == {}  # expired rows are invisible ...
    assert backend.incr("k", 60_000)[0] == 1  # ... and the upsert restarts them at 1


@pytest.mark.parametrize(
    ("configured", "redis_url", "expected"),
    [
        ("auto", "redis://127.0.0.1:6379/3", "redis"),
        ("auto", "", "postgres"),
        ("postgres", "redis://127.0.0.1:6379/3", "postgres"),
        ("redis", "redis://127.0.0.1:6379/3", "redis"),
    ],
)
def test_backend_choice(settings: Any, configured: str, redis_url: str, expected: str) -> None:
    settings.RATELIMIT_BACKEND = configured
    settings.RATELIMIT_REDIS_URL = redis_url
    assert backend_name() == expected


def test_unknown_backend_is_refused(settings: Any) -> None:
    settings.RATELIMIT_BACKEND = "memcached"
    with pytest.raises(ValueError, match="RATELIMIT_BACKEND"):
        backend_name()
