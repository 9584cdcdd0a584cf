"""A per-process copy of the few Redis keys every authenticated request reads (principal_cache.lookup),
kept exact by Redis itself: server-assisted client-side caching (`CLIENT TRACKING … REDIRECT`).

Why: on a warm request the Redis round trip was the largest cost of authentication (~300 µs of ~500 µs
beyond an anonymous view, most of it waking two processes on loopback), and the keys rarely change: a
session's alive fact is renewed once a minute, generations move only when a member's rights change.

Why by hand: redis-py's own client-side cache (`cache_config`) refuses servers older than Redis 7.4 and
needs RESP3, while these machines and Debian's package run 7.0; the redirect mode used here works from
Redis 6 with the ordinary protocol, and redis-py still does all the protocol work (its `Connection`).

How the copy stays exact:
- Keys are read with MGET on a *tracking* connection. From then on Redis remembers that this process holds
  each key, and when one changes (write, delete, expiry, eviction, FLUSH) it sends its name — once — to our
  *invalidation* connection, subscribed to `__redis__:invalidate`. A key read while absent is tracked too.
- Every read first drains the invalidation connection (a non-blocking poll, no round trip) and drops what
  it names; only then may it answer from the copy. So a change that Redis has delivered to us is never
  missed. Writers that must be seen on the next request (revocation, generations) follow their write with
  a round trip (`barrier`): Redis has flushed every pending invalidation to the sockets of all subscribers
  before it answers a later command, so once the writer's PING returns, the next read of any process on
  the same host drains the change. (Across hosts, the network's delivery time is added: microseconds to
  milliseconds, against the HTTP round trip a client needs to make its next request.)
- One lock covers the drain, the copy and the miss path's MGET, so a value read before a change can never
  be stored after that change's invalidation was drained.
- Anything unexpected — either connection closed or errored, data on the idle tracking connection, another
  process after a fork — drops the copy and both connections: the caller then reads Redis directly, and the
  next read sets up again. A lost invalidation connection is also why the copy is not kept across a
  reconnect: Redis does not tell a RESP2 client that its redirect target is gone.
- Entries also expire after AUTHN_NEAR_CACHE_SECONDS, a bound on any failure not foreseen here; 0 turns
  the copy off.

Cost on the Redis side: its tracking table holds each key a process has read until the key changes; a live
session's generation key rarely does, so the table grows with the sessions seen, up to the server's
`tracking-table-max-keys` (past it Redis forgets the oldest and tells us, which costs one miss). A server
that refuses CLIENT TRACKING (older than 6, or a managed one that disables it) leaves the copy off for a
while (REFUSED_RETRY_SECONDS): requests then read Redis directly, as without this module.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from redis.connection import ConnectionInterface

logger = logging.getLogger(__name__)

INVALIDATION_CHANNEL = b"__redis__:invalidate"
DEFAULT_SECONDS = 5.0
MAX_ENTRIES = 20_000  # past it the copy starts again empty: a bound on memory, not a policy
# A thread that finds another one in the lock (its miss path is a round trip) reads Redis directly instead
# of queueing behind it.
LOCK_WAIT_SECONDS = 0.002
# After a failure, reads go straight to Redis for this long before the copy is set up again.
RETRY_SECONDS = 1.0
REFUSED_RETRY_SECONDS = 300.0

Values = list[bytes | None]


def seconds() -> float:
    return float(getattr(settings, "AUTHN_NEAR_CACHE_SECONDS", DEFAULT_SECONDS))


class NearCache:
    """The copy of one Redis server's keys, for this process (see the module docstring)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.hits = 0
        self.misses = 0
        self.resets = 0
        self.client_ids: tuple[int, int] | None = None  # (invalidation, tracking), as CLIENT LIST shows them
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._values: dict[str, tuple[bytes | None, float]] = {}
        self._invalidation: ConnectionInterface | None = None
        self._tracking: ConnectionInterface | None = None
        self._retry_at = 0.0

    def read(self, keys: Sequence[str], *, max_age: float) -> Values | None:
        """The values of `keys`, from the copy when it holds all of them, else by one tracked MGET; None
        when the copy cannot answer for them (the caller then asks Redis itself)."""
        if not self._lock.acquire(timeout=LOCK_WAIT_SECONDS):
            return None
        try:
            if self._pid != os.getpid():
                self._forget_connections(close=False)  # the parent's sockets are not ours to use
                self._pid = os.getpid()
            if self._tracking is None and time.monotonic() < self._retry_at:
                return None
            try:
                return self._read(keys, max_age)
            except (redis.RedisError, OSError, ValueError) as error:
                refused = isinstance(error, redis.ResponseError)  # an error reply, not a lost connection
                logger.warning("near cache of Redis keys %s: %s", "off" if refused else "reset", error)
                self._forget_connections(close=True)
                wait = REFUSED_RETRY_SECONDS if refused else RETRY_SECONDS
                self._retry_at = time.monotonic() + wait
                return None
        finally:
            self._lock.release()

    def _read(self, keys: Sequence[str], max_age: float) -> Values | None:
        if self._tracking is None:
            self._connect()
        self._drain()
        now = time.monotonic()
        held = [self._values.get(key) for key in keys]
        if all(entry is not None and now - entry[1] < max_age for entry in held):
            self.hits += 1
            return [entry[0] for entry in held if entry is not None]
        self.misses += 1
        tracking = self._tracking
        assert tracking is not None  # set by _connect
        tracking.send_command("MGET", *keys)
        values = tracking.read_response()
        if not isinstance(values, list) or len(values) != len(keys):
            raise ValueError("unexpected MGET answer")
        if len(self._values) + len(keys) > MAX_ENTRIES:
            self._values.clear()
        for key, value in zip(keys, values, strict=True):
            self._values[key] = (value, now)
        return values

    def _drain(self) -> None:
        """Drop every key Redis has said changed; refuse to go on if either connection says anything else."""
        invalidation, tracking = self._invalidation, self._tracking
        assert invalidation is not None
        assert tracking is not None
        if tracking.can_read(timeout=0):
            # Nothing was asked on it: this is the server closing it, or a reply we cannot place.
            raise redis.ConnectionError("the tracking connection is no longer usable")
        while invalidation.can_read(timeout=0):
            message = invalidation.read_response()
            if not (isinstance(message, list) and len(message) == 3 and message[1] == INVALIDATION_CHANNEL):
                raise ValueError("unexpected message on the invalidation connection")
            names = message[2]
            if names is None:  # FLUSHALL / FLUSHDB, or Redis dropped its tracking table
                self._values.clear()
                continue
            for name in names:
                self._values.pop(name.decode() if isinstance(name, bytes) else str(name), None)

    def _connect(self) -> None:
        pool = redis.ConnectionPool.from_url(
            self.url, socket_timeout=0.5, socket_connect_timeout=0.5, client_name="massacorp-near-cache"
        )
        invalidation = pool.make_connection()
        tracking = pool.make_connection()
        # Assigned first, so that a failure below closes whatever was opened.
        self._invalidation, self._tracking = invalidation, tracking
        invalidation.connect()
        invalidation.send_command("CLIENT", "ID")
        client_id = int(invalidation.read_response())
        invalidation.send_command("SUBSCRIBE", INVALIDATION_CHANNEL)
        invalidation.read_response()
        tracking.connect()
        tracking.send_command("CLIENT", "ID")
        tracking_id = int(tracking.read_response())
        tracking.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", client_id)
        if tracking.read_response() not in (b"OK", "OK"):
            raise ValueError("CLIENT TRACKING refused")
        self._values.clear()
        self.client_ids = (client_id, tracking_id)

    def _forget_connections(self, *, close: bool) -> None:
        self.resets += 1
        self._values.clear()
        for connection in (self._invalidation, self._tracking):
            if connection is not None and close:
                connection.disconnect()
        self._invalidation = self._tracking = None
        self.client_ids = None


@lru_cache(maxsize=4)
def for_url(url: str) -> NearCache:
    return NearCache(url)


def read(keys: Sequence[str]) -> Values | None:
    """`keys` through this process's copy of Redis; None when it is off or cannot answer."""
    url = str(getattr(settings, "REDIS_URL", "") or "")
    max_age = seconds()
    if not url or max_age <= 0:
        return None
    return for_url(url).read(keys, max_age=max_age)


def barrier(client: Any) -> None:
    """After a write that must be seen on the next request: one more round trip, which Redis answers only
    after it has written the write's invalidations to every subscriber's socket (module docstring)."""
    if seconds() > 0:
        client.ping()
