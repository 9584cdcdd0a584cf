"""Brute-force escalation per scope (an account at a tenant, a client address): CAPTCHA → delay → lock.

With the default policy (settings LOCKOUT_*):
- from the 3rd consecutive failure a CAPTCHA is required;
- from the 5th, the next attempt must wait 1 s, then 2, 4, 8, 16 s (capped at 30 s);
- the 10th failure locks the scope for 15 minutes; each further lock within 24 hours of the previous one
  doubles (30 min, 1 h, … capped at 24 h). A scope locked in that period needs the CAPTCHA from the start.
Failures are forgotten one hour after the last one, or by `failure_clear` (successful login, admin unlock).

Callers check `lock_state(...)` before evaluating credentials; while `blocked`, they answer exactly as for
bad credentials (the response never reveals a lock) and do not evaluate the password. `lock_started` is
True on the one call that started a lock: alert then (audit event, mail to the user), once.
Failures and delays live in the rate-limit backend (Redis, or the PostgreSQL counter table) and may reset
with it; what must not reset lives in PostgreSQL (`get_durable_backend`): locks, the repeat-offender count and
the CAPTCHA requirement (kept for the failure window), so that a Redis outage, restart or flush lifts none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

from .backends import CounterBackend, get_backend, get_durable_backend


@dataclass(frozen=True)
class LockoutPolicy:
    captcha_after: int = 3
    delay_after: int = 5
    delay_base_seconds: int = 1
    delay_max_seconds: int = 30
    lock_after: int = 10
    lock_seconds: int = 15 * 60
    lock_max_seconds: int = 24 * 3600
    failure_window_seconds: int = 3600
    memory_seconds: int = 24 * 3600

    @classmethod
    def from_settings(cls) -> LockoutPolicy:
        return cls(
            captcha_after=settings.LOCKOUT_CAPTCHA_AFTER,
            delay_after=settings.LOCKOUT_DELAY_AFTER,
            delay_base_seconds=settings.LOCKOUT_DELAY_BASE_SECONDS,
            delay_max_seconds=settings.LOCKOUT_DELAY_MAX_SECONDS,
            lock_after=settings.LOCKOUT_LOCK_AFTER,
            lock_seconds=settings.LOCKOUT_LOCK_SECONDS,
            lock_max_seconds=settings.LOCKOUT_LOCK_MAX_SECONDS,
            failure_window_seconds=settings.LOCKOUT_FAILURE_WINDOW_SECONDS,
            memory_seconds=settings.LOCKOUT_MEMORY_SECONDS,
        )

    def delay_for(self, failures: int) -> int:
        if failures < self.delay_after:
            return 0
        return int(min(self.delay_max_seconds, self.delay_base_seconds * 2 ** (failures - self.delay_after)))

    def lock_for(self, lock_number: int) -> int:
        return int(min(self.lock_max_seconds, self.lock_seconds * 2 ** max(lock_number - 1, 0)))


@dataclass(frozen=True)
class LockState:
    failures: int  # consecutive failures counted towards the next lock
    lock_count: int  # locks within the memory period (repeat-offender level), including a current one
    locked: bool
    retry_after: int  # seconds before an attempt may be evaluated (lock or delay); 0 = now
    captcha_required: bool
    lock_started: bool = False  # this call started the lock

    @property
    def blocked(self) -> bool:
        return self.retry_after > 0


@dataclass(frozen=True)
class _Keys:
    failures: str
    delay: str
    lock: str
    locks: str
    captcha: str


def _keys(scope_key: str) -> _Keys:
    base = f"lockout:{scope_key}:"
    return _Keys(
        failures=base + "failures",
        delay=base + "delay",
        lock=base + "lock",
        locks=base + "locks",
        captcha=base + "captcha",
    )


def _seconds(ttl_ms: int) -> int:
    return math.ceil(ttl_ms / 1000) if ttl_ms > 0 else 0


@dataclass(frozen=True)
class _Stores:
    fast: CounterBackend  # failures and delays
    durable: CounterBackend  # locks, the repeat-offender count, the CAPTCHA requirement

    @classmethod
    def current(cls) -> _Stores:
        return cls(fast=get_backend(), durable=get_durable_backend())

    def get_many(self, keys: _Keys) -> dict[str, tuple[int, int]]:
        durable = [keys.lock, keys.locks, keys.captcha]
        if self.fast is self.durable:
            return self.fast.get_many([keys.failures, keys.delay, *durable])
        return {**self.fast.get_many([keys.failures, keys.delay]), **self.durable.get_many(durable)}


def _read(stores: _Stores, keys: _Keys, policy: LockoutPolicy) -> LockState:
    found = stores.get_many(keys)
    failures = found.get(keys.failures, (0, 0))[0]
    lock_count = found.get(keys.locks, (0, 0))[0]
    locked = keys.lock in found
    waits = [_seconds(found[key][1]) for key in (keys.lock, keys.delay) if key in found]
    retry_after = max(waits, default=0)
    if locked:
        retry_after = max(retry_after, 1)
    return LockState(
        failures=failures,
        lock_count=lock_count,
        locked=locked,
        retry_after=retry_after,
        captcha_required=(
            locked or lock_count > 0 or failures >= policy.captcha_after or keys.captcha in found
        ),
    )


def lock_state(scope_key: str, *, policy: LockoutPolicy | None = None) -> LockState:
    """The scope's current state (one round trip per store)."""
    policy = policy or LockoutPolicy.from_settings()
    return _read(_Stores.current(), _keys(scope_key), policy)


def failure_register(scope_key: str, *, policy: LockoutPolicy | None = None) -> LockState:
    """Count one failure and escalate. Failures while the scope is locked are not counted."""
    policy = policy or LockoutPolicy.from_settings()
    stores = _Stores.current()
    keys = _keys(scope_key)
    state = _read(stores, keys, policy)
    if state.locked:
        return state
    failures, _ = stores.fast.incr(keys.failures, policy.failure_window_seconds * 1000, sliding=True)
    if failures >= policy.lock_after:
        # `add` elects one caller among concurrent failures to start the lock (and count it once).
        if not stores.durable.add(keys.lock, policy.lock_seconds * 1000):
            return _read(stores, keys, policy)
        lock_count, _ = stores.durable.incr(keys.locks, policy.memory_seconds * 1000, sliding=True)
        duration = policy.lock_for(lock_count)
        stores.durable.put(keys.lock, lock_count, duration * 1000)
        stores.fast.delete(keys.failures, keys.delay)
        return LockState(
            failures=failures,
            lock_count=lock_count,
            locked=True,
            retry_after=duration,
            captcha_required=True,
            lock_started=True,
        )
    captcha_required = state.captcha_required or failures >= policy.captcha_after
    if failures >= policy.captcha_after:
        # Renewed with each failure, as the failure count is: forgotten when the failures are.
        stores.durable.put(keys.captcha, 1, policy.failure_window_seconds * 1000)
    delay = policy.delay_for(failures)
    if delay:
        stores.fast.put(keys.delay, 1, delay * 1000)
    return LockState(
        failures=failures,
        lock_count=state.lock_count,
        locked=False,
        retry_after=delay,
        captcha_required=captcha_required,
    )


def failure_clear(scope_key: str) -> None:
    """Forget the failures, the delay and any lock (successful login, admin unlock). The repeat-offender
    memory stays, so the next lock within the memory period is still doubled."""
    keys, stores = _keys(scope_key), _Stores.current()
    stores.fast.delete(keys.failures, keys.delay)
    stores.durable.delete(keys.lock, keys.captcha)
