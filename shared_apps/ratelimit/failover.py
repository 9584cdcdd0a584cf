"""Redis first, PostgreSQL while Redis cannot be reached: the limits never open (DESIGN.md §3).

A connection error or a timeout sends the operation to the PostgreSQL counter table and keeps sending every
operation there for `retry_seconds` (so that an outage does not cost each request a failed connect); then
Redis is tried again, and it takes over as soon as it answers. Counters kept in one store are not copied to
the other: a switch may reset a rate-limit window, which costs at most one window of extra attempts.
Locks must not vanish that way, so the lockout keeps them in `durable` (always PostgreSQL), see lockout.py.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

import redis

from .backends import Counter, CounterBackend, PostgresBackend, RedisBackend

logger = logging.getLogger(__name__)

T = TypeVar("T")

# What an unreachable Redis raises (redis-py wraps socket errors, but not all of them on every path).
_UNREACHABLE = (redis.ConnectionError, redis.TimeoutError, OSError)


class FailoverBackend:
    name = "redis"

    def __init__(self, *, primary: RedisBackend, fallback: PostgresBackend, retry_seconds: float) -> None:
        self.primary = primary
        self.fallback = fallback
        self.retry_seconds = retry_seconds
        self._down_until = 0.0

    @property
    def durable(self) -> CounterBackend:
        return self.fallback

    @property
    def active(self) -> str:
        """The store that the next operation goes to first: 'redis' or 'postgres'."""
        return "postgres" if time.monotonic() < self._down_until else "redis"

    def _on_primary(self, operation: Callable[[CounterBackend], T]) -> tuple[bool, T | None]:
        """(True, result) if Redis answered; (False, None) if it is down or just failed."""
        if time.monotonic() < self._down_until:
            return False, None
        try:
            return True, operation(self.primary)
        except _UNREACHABLE as error:
            self._down_until = time.monotonic() + self.retry_seconds
            logger.warning(
                "Redis unreachable (%s): rate limits use PostgreSQL for the next %.1f s",
                type(error).__name__,
                self.retry_seconds,
            )
            return False, None

    def _call(self, operation: Callable[[CounterBackend], T]) -> T:
        answered, result = self._on_primary(operation)
        return result if answered else operation(self.fallback)  # type: ignore[return-value]

    def incr(self, key: str, ttl_ms: int, *, sliding: bool = False) -> Counter:
        return self._call(lambda backend: backend.incr(key, ttl_ms, sliding=sliding))

    def get_many(self, keys: Sequence[str]) -> dict[str, Counter]:
        return self._call(lambda backend: backend.get_many(keys))

    def put(self, key: str, value: int, ttl_ms: int) -> None:
        self._call(lambda backend: backend.put(key, value, ttl_ms))

    def add(self, key: str, ttl_ms: int) -> bool:
        return self._call(lambda backend: backend.add(key, ttl_ms))

    def delete(self, *keys: str) -> None:
        # Both stores: a key written during an outage must not come back when the other store answers again.
        self.fallback.delete(*keys)
        self._on_primary(lambda backend: backend.delete(*keys))

    def clear(self) -> None:
        self.fallback.clear()
        self._on_primary(lambda backend: backend.clear())

    def close(self) -> None:
        self.fallback.close()
