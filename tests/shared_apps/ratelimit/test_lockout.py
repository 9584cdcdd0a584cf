"""Brute-force escalation on both backends: CAPTCHA → delay → lock, doubling for repeat offenders."""

from __future__ import annotations

import threading
import time

import pytest

from shared_apps.ratelimit.backends import CounterBackend, PostgresBackend
from shared_apps.ratelimit.lockout import (
    LockoutPolicy,
    LockState,
    failure_clear,
    failure_register,
    lock_state,
)

SCOPE = "t1:acct:abc"


def _fail(times: int, *, policy: LockoutPolicy | None = None, scope: str = SCOPE) -> list[LockState]:
    return [failure_register(scope, policy=policy) for _ in range(times)]


def test_default_policy_comes_from_settings() -> None:
    assert LockoutPolicy.from_settings() == LockoutPolicy()


def test_escalation_captcha_then_delay_then_lock(backend: CounterBackend) -> None:
    states = _fail(10)
    assert [s.captcha_required for s in states] == [False, False] + [True] * 8
    # From the 5th failure the next attempt waits 1, 2, 4, 8, 16 s.
    assert [s.retry_after for s in states[:9]] == [0, 0, 0, 0, 1, 2, 4, 8, 16]
    assert not any(s.locked for s in states[:9])
    locked = states[9]
    assert (locked.locked, locked.lock_started, locked.retry_after, locked.lock_count) == (True, True, 900, 1)

    current = lock_state(SCOPE)
    assert current.locked
    assert current.blocked
    assert 899 <= current.retry_after <= 900
    assert current.captcha_required


def test_a_delay_blocks_until_it_has_passed(backend: CounterBackend) -> None:
    policy = LockoutPolicy(delay_after=1, delay_base_seconds=1)
    assert failure_register(SCOPE, policy=policy).retry_after == 1
    assert lock_state(SCOPE, policy=policy).blocked
    time.sleep(1.1)
    assert not lock_state(SCOPE, policy=policy).blocked


def test_failures_while_locked_are_not_counted_and_start_no_new_lock(backend: CounterBackend) -> None:
    _fail(10)
    during = _fail(5)
    assert all(s.locked and not s.lock_started for s in during)
    assert lock_state(SCOPE).lock_count == 1


def test_repeat_offenders_are_locked_twice_as_long_each_time(backend: CounterBackend) -> None:
    first = _fail(10)[-1]
    failure_clear(SCOPE)  # e.g. an admin unlock: the lock goes, the memory of it stays
    after_unlock = lock_state(SCOPE)
    assert not after_unlock.locked
    assert after_unlock.captcha_required  # locked within the memory period: CAPTCHA from the first try
    second = _fail(10)[-1]
    failure_clear(SCOPE)
    third = _fail(10)[-1]
    assert [s.retry_after for s in (first, second, third)] == [900, 1800, 3600]
    assert [s.lock_count for s in (first, second, third)] == [1, 2, 3]


def test_lock_duration_is_capped() -> None:
    policy = LockoutPolicy()
    assert policy.lock_for(1) == 900
    assert policy.lock_for(20) == 24 * 3600
    assert LockoutPolicy(delay_max_seconds=30).delay_for(20) == 30


def test_a_lock_expires_and_the_next_one_is_doubled(backend: CounterBackend) -> None:
    policy = LockoutPolicy(captcha_after=1, delay_after=100, lock_after=2, lock_seconds=1)
    assert _fail(2, policy=policy)[-1].retry_after == 1
    time.sleep(1.1)
    assert not lock_state(SCOPE, policy=policy).locked
    assert lock_state(SCOPE, policy=policy).failures == 0
    second = _fail(2, policy=policy)[-1]
    assert (second.locked, second.retry_after, second.lock_count) == (True, 2, 2)


def test_failures_are_forgotten_after_the_failure_window(backend: CounterBackend) -> None:
    policy = LockoutPolicy(failure_window_seconds=1)
    _fail(3, policy=policy)
    assert lock_state(SCOPE, policy=policy).failures == 3
    time.sleep(1.1)
    assert lock_state(SCOPE, policy=policy).failures == 0


def test_clear_resets_failures_delay_and_lock(backend: CounterBackend) -> None:
    _fail(6)
    assert lock_state(SCOPE).blocked
    failure_clear(SCOPE)
    state = lock_state(SCOPE)
    assert (state.failures, state.blocked, state.captcha_required) == (0, False, False)


def test_scopes_are_independent(backend: CounterBackend) -> None:
    _fail(10)
    assert not lock_state("t1:acct:other").locked


def test_concurrent_failures_start_exactly_one_lock(backend: CounterBackend) -> None:
    started: list[bool] = []
    barrier = threading.Barrier(8)

    def run() -> None:
        try:
            barrier.wait()
            for state in _fail(5):
                started.append(state.lock_started)
        finally:
            if isinstance(backend, PostgresBackend):
                backend.close()

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(started) == 40
    assert started.count(True) == 1
    state = lock_state(SCOPE)
    assert (state.locked, state.lock_count) == (True, 1)


@pytest.mark.parametrize("failures", [0, 2])
def test_no_captcha_before_the_threshold(backend: CounterBackend, failures: int) -> None:
    _fail(failures)
    assert not lock_state(SCOPE).captcha_required
