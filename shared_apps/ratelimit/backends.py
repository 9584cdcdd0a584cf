"""Atomic counters with an expiry, in Redis or in PostgreSQL: the storage under rate limits, the brute-force
lockout and single-use CAPTCHA challenges.

Neither Django's cache nor DRF's throttles can count atomically (DESIGN.md §3), hence these:
- Redis: INCR and PEXPIRE in one Lua script (atomic on the server).
- PostgreSQL: `INSERT … ON CONFLICT DO UPDATE … RETURNING` on an UNLOGGED table; an expired row is reset in
  the same statement. It runs on its own autocommit connection, not Django's: a counter must survive the
  caller's transaction rolling back (a failed login that raises must still count).

Keys given to a backend are namespaced with its prefix; times are in milliseconds.
"""

from __future__ import annotations

import functools
import os
import secrets
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

import psycopg
import redis
from django.conf import settings
from django.db import connections

from shared_apps.core.direct_db import direct_connection_params

# (count, milliseconds until the key expires)
Counter = tuple[int, int]


class CounterBackend(Protocol):
    name: str

    def incr(self, key: str, ttl_ms: int, *, sliding: bool = False) -> Counter:
        """Add one and return the new count. A new or expired key starts at 1 with `ttl_ms` to live; with
        `sliding`, every increment pushes the expiry to `ttl_ms` from now."""

    def get_many(self, keys: Sequence[str]) -> dict[str, Counter]:
        """The live keys among `keys` (missing or expired ones are absent)."""

    def put(self, key: str, value: int, ttl_ms: int) -> None:
        """Set a key to `value` for `ttl_ms`."""

    def add(self, key: str, ttl_ms: int) -> bool:
        """Create the key (value 1) unless it is live; True if this call created it."""

    def delete(self, *keys: str) -> None: ...

    def clear(self) -> None:
        """Remove every key under this backend's prefix (tests, operations)."""


# --- Redis -------------------------------------------------------------------------------------------------

_REDIS_INCR = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 or ARGV[2] == '1' then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
    ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


class RedisBackend:
    name = "redis"

    def __init__(self, *, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix
        self._incr = client.register_script(_REDIS_INCR)

    def _k(self, key: str) -> str:
        return self.prefix + key

    def incr(self, key: str, ttl_ms: int, *, sliding: bool = False) -> Counter:
        count, ttl = self._incr(keys=[self._k(key)], args=[int(ttl_ms), "1" if sliding else "0"])
        return int(count), int(ttl)

    def get_many(self, keys: Sequence[str]) -> dict[str, Counter]:
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.get(self._k(key))
            pipe.pttl(self._k(key))
        replies = pipe.execute()
        found: dict[str, Counter] = {}
        for index, key in enumerate(keys):
            value, ttl = replies[2 * index], replies[2 * index + 1]
            if value is not None and ttl != -2:
                found[key] = (int(value), max(int(ttl), 0))
        return found

    def put(self, key: str, value: int, ttl_ms: int) -> None:
        self.client.set(self._k(key), int(value), px=max(int(ttl_ms), 1))

    def add(self, key: str, ttl_ms: int) -> bool:
        return bool(self.client.set(self._k(key), 1, px=max(int(ttl_ms), 1), nx=True))

    def delete(self, *keys: str) -> None:
        if keys:
            self.client.delete(*(self._k(key) for key in keys))

    def clear(self) -> None:
        batch: list[Any] = []
        for key in self.client.scan_iter(match=self.prefix.replace("*", r"\*") + "*", count=500):
            batch.append(key)
            if len(batch) >= 500:
                self.client.unlink(*batch)
                batch = []
        if batch:
            self.client.unlink(*batch)


# --- PostgreSQL --------------------------------------------------------------------------------------------

# statement_timestamp() is fixed for the whole statement, so the expiry test and the new expiry agree.
_PG_INCR = """
INSERT INTO ratelimit_counter AS c (key, count, expires_at)
VALUES (%(key)s, 1, statement_timestamp() + %(ttl)s * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN c.expires_at <= statement_timestamp() THEN 1 ELSE c.count + 1 END,
    expires_at = CASE WHEN c.expires_at <= statement_timestamp() OR %(sliding)s
                      THEN EXCLUDED.expires_at ELSE c.expires_at END
RETURNING count, CEIL(EXTRACT(EPOCH FROM (expires_at - statement_timestamp())) * 1000)::bigint
"""
_PG_GET = """
SELECT key, count, CEIL(EXTRACT(EPOCH FROM (expires_at - statement_timestamp())) * 1000)::bigint
FROM ratelimit_counter WHERE key = ANY(%(keys)s) AND expires_at > statement_timestamp()
"""
_PG_PUT = """
INSERT INTO ratelimit_counter AS c (key, count, expires_at)
VALUES (%(key)s, %(value)s, statement_timestamp() + %(ttl)s * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET count = EXCLUDED.count, expires_at = EXCLUDED.expires_at
"""
_PG_ADD = """
INSERT INTO ratelimit_counter AS c (key, count, expires_at)
VALUES (%(key)s, 1, statement_timestamp() + %(ttl)s * interval '1 millisecond')
ON CONFLICT (key) DO UPDATE SET count = 1, expires_at = EXCLUDED.expires_at
    WHERE c.expires_at <= statement_timestamp()
RETURNING 1
"""
_PG_PURGE = "DELETE FROM ratelimit_counter WHERE expires_at < statement_timestamp() - interval '1 minute'"
# Keys of Django's OPTIONS that are not libpq connection parameters.
# One write in this many also deletes long-expired rows, so that the table does not grow without bound.
_PURGE_ONE_IN = 1000


class PostgresBackend:
    """Counters in the public schema's UNLOGGED `ratelimit_counter` table, on a dedicated autocommit
    connection per thread built from Django's `DATABASES[alias]`. That connection follows Django's
    CONN_MAX_AGE: 0 closes it after each operation, None keeps it, N seconds renews it after N seconds."""

    name = "postgres"

    def __init__(self, *, prefix: str, alias: str = "default") -> None:
        self.prefix = prefix
        self.alias = alias
        self._local = threading.local()

    def _params(self) -> dict[str, Any]:
        return direct_connection_params(application_name="massacorp-ratelimit", alias=self.alias)

    def _connection(self) -> psycopg.Connection[Any]:
        local = self._local
        conn: psycopg.Connection[Any] | None = getattr(local, "conn", None)
        max_age = connections[self.alias].settings_dict.get("CONN_MAX_AGE", 0)
        stale = (
            conn is None
            or conn.closed
            or local.pid != os.getpid()  # forked: never share a socket with the parent
            or (max_age is not None and max_age > 0 and time.monotonic() - local.opened > max_age)
        )
        if stale:
            self.close()
            conn = psycopg.connect(**self._params(), autocommit=True)
            local.conn, local.pid, local.opened = conn, os.getpid(), time.monotonic()
        assert conn is not None
        return conn

    def close(self) -> None:
        """Close this thread's connection (if any)."""
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            conn.close()

    def _run(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        for attempt in (1, 2):
            conn = self._connection()
            try:
                with conn.cursor() as cursor:
                    cursor.execute(sql, params)
                    rows = cursor.fetchall() if cursor.description else []
                break
            except psycopg.OperationalError:
                # A dropped connection: retry once on a new one. (A retried increment may count twice,
                # which errs on the safe side.)
                self.close()
                if attempt == 2:
                    raise
        if connections[self.alias].settings_dict.get("CONN_MAX_AGE", 0) == 0:
            self.close()
        return rows

    def _k(self, key: str) -> str:
        return self.prefix + key

    def incr(self, key: str, ttl_ms: int, *, sliding: bool = False) -> Counter:
        rows = self._run(_PG_INCR, {"key": self._k(key), "ttl": int(ttl_ms), "sliding": sliding})
        if secrets.randbelow(_PURGE_ONE_IN) == 0:
            self.purge_expired()
        count, ttl = rows[0]
        return int(count), max(int(ttl), 0)

    def get_many(self, keys: Sequence[str]) -> dict[str, Counter]:
        if not keys:
            return {}
        by_full = {self._k(key): key for key in keys}
        rows = self._run(_PG_GET, {"keys": list(by_full)})
        return {by_full[full]: (int(count), max(int(ttl), 0)) for full, count, ttl in rows}

    def put(self, key: str, value: int, ttl_ms: int) -> None:
        self._run(_PG_PUT, {"key": self._k(key), "value": int(value), "ttl": max(int(ttl_ms), 1)})

    def add(self, key: str, ttl_ms: int) -> bool:
        return bool(self._run(_PG_ADD, {"key": self._k(key), "ttl": max(int(ttl_ms), 1)}))

    def delete(self, *keys: str) -> None:
        if keys:
            self._run(
                "DELETE FROM ratelimit_counter WHERE key = ANY(%(keys)s)",
                {"keys": [self._k(k) for k in keys]},
            )

    def clear(self) -> None:
        self._run("DELETE FROM ratelimit_counter WHERE starts_with(key, %(prefix)s)", {"prefix": self.prefix})

    def purge_expired(self) -> None:
        self._run(_PG_PURGE, {})


# --- selection ---------------------------------------------------------------------------------------------


def backend_name() -> str:
    """'redis' or 'postgres': RATELIMIT_BACKEND, where 'auto' means Redis exactly when a Redis URL is set."""
    choice = settings.RATELIMIT_BACKEND
    if choice == "auto":
        return "redis" if settings.RATELIMIT_REDIS_URL else "postgres"
    if choice not in ("redis", "postgres"):
        raise ValueError(f"RATELIMIT_BACKEND must be auto, redis or postgres, not {choice!r}")
    return str(choice)


@functools.lru_cache(maxsize=8)
def _build(name: str, redis_url: str, prefix: str, timeout: float, retry_seconds: float) -> CounterBackend:
    if name == "redis":
        from .failover import FailoverBackend  # here: failover.py builds on this module's classes

        if not redis_url:
            raise ValueError("RATELIMIT_BACKEND is redis but RATELIMIT_REDIS_URL is empty")
        client = redis.Redis.from_url(
            redis_url, socket_timeout=timeout, socket_connect_timeout=timeout, health_check_interval=30
        )
        return FailoverBackend(
            primary=RedisBackend(client=client, prefix=prefix),
            fallback=PostgresBackend(prefix=prefix),
            retry_seconds=retry_seconds,
        )
    return PostgresBackend(prefix=prefix)


def get_backend() -> CounterBackend:
    """The configured backend (one instance per configuration, shared by threads). With Redis, PostgreSQL
    takes over while Redis cannot be reached (failover.py)."""
    return _build(
        backend_name(),
        settings.RATELIMIT_REDIS_URL,
        settings.REDIS_KEY_PREFIX,
        float(settings.RATELIMIT_REDIS_TIMEOUT_SECONDS),
        float(settings.RATELIMIT_REDIS_RETRY_SECONDS),
    )


def get_durable_backend() -> CounterBackend:
    """Where facts that must survive a Redis loss live (locks): PostgreSQL, whatever `get_backend` is."""
    chosen = get_backend()
    return getattr(chosen, "durable", chosen)
