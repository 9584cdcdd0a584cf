"""Cached facts in Redis are never trusted past a write that Redis missed.

The fast paths trust facts in Redis ("this session was alive", a principal snapshot) because every change
that must end them deletes or renews their keys. When Redis cannot be reached for that (an outage, a pause,
a partition), the writer records the keys in PostgreSQL (`missed_write_record`) in its transaction, with a
NOTIFY. Redis may come back with its data intact, stale facts included; so while any missed write is on
record, `redis_facts_trusted()` is False in every process and readers ask PostgreSQL. The first process that
reaches Redis again replays the missed writes, deletes the record and NOTIFYs: the others trust Redis again.

How each process knows, without a query per request: a LISTEN connection of its own, polled before each
trusted read (reading what the socket already holds: no round trip), as near_cache drains Redis's
invalidations. A notification is sent when the recording transaction commits, before the writer's response
leaves; on the same host it reaches the socket before the client can send its next request. The record
itself is read once at start, after a reconnection, and on each notification. A process whose LISTEN
connection is down (PostgreSQL restarting) trusts nothing until it is back and has read the record; this
process's own record counts at once.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Sequence
from typing import Any

import psycopg
import redis
from django.db import connection, transaction

from .direct_db import direct_connection_params
from .models import MissedRedisWrite
from .redis_client import redis_client

logger = logging.getLogger(__name__)

CHANNEL = "massacorp_redis_missed"
RETRY_SECONDS = 1.0  # after a failed (re)connection or replay, before the next attempt
REPLAY_BATCH = 1000


def missed_write_record(keys: Sequence[str], *, renew_seconds: int = 0) -> None:
    """Redis could not be told to delete `keys` (or, with `renew_seconds`, to renew them): record them in the
    current transaction (the caller's revocation commits with it) and tell every process on commit."""
    MissedRedisWrite.objects.bulk_create(MissedRedisWrite(key=k, renew_seconds=renew_seconds) for k in keys)
    with connection.cursor() as cursor:
        cursor.execute(f"NOTIFY {CHANNEL}")
    _watch().pending = True


def redis_facts_trusted() -> bool:
    """False while a missed write is on record (or cannot be ruled out): then read PostgreSQL."""
    return _watch().trusted()


class _Watch:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pid = os.getpid()
        self.listener: psycopg.Connection[Any] | None = None
        self.pending = True  # until the record is read
        self.retry_at = 0.0

    def trusted(self) -> bool:
        with self.lock:
            if self.pid != os.getpid():  # forked: never use the parent's socket
                self.pid, self.listener, self.pending, self.retry_at = os.getpid(), None, True, 0.0
            if self.listener is None and not self._listen():
                return False
            if self._notified():
                self.pending = _on_record()
            if self.pending and time.monotonic() >= self.retry_at:
                self.pending = not _replay()
                if self.pending:
                    self.retry_at = time.monotonic() + RETRY_SECONDS
            return not self.pending

    def _listen(self) -> bool:
        if time.monotonic() < self.retry_at:
            return False
        try:
            params = direct_connection_params(application_name="massacorp-redis-fence")
            self.listener = psycopg.connect(**params, autocommit=True)
            self.listener.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error:
            logger.warning("cannot LISTEN for missed Redis writes: Redis facts untrusted for now")
            self._drop()
            return False
        self.pending = _on_record()  # what was recorded before we listened
        return True

    def _notified(self) -> bool:
        assert self.listener is not None
        pgconn = self.listener.pgconn
        try:
            pgconn.consume_input()  # what the socket holds already; never waits
        except psycopg.Error:
            self._drop()
            return True
        if pgconn.status != psycopg.pq.ConnStatus.OK:
            self._drop()
            return True
        seen = False
        while pgconn.notifies() is not None:
            seen = True
        return seen

    def _drop(self) -> None:
        if self.listener is not None:
            self.listener.close()
        self.listener = None
        self.pending = True
        self.retry_at = time.monotonic() + RETRY_SECONDS


def _on_record() -> bool:
    return MissedRedisWrite.objects.exists()


def _replay() -> bool:
    """Apply the missed writes to Redis and drop them from the record; True once none is left."""
    client = redis_client()
    if client is None:
        return True
    try:
        with transaction.atomic():
            rows = list(
                MissedRedisWrite.objects.select_for_update(skip_locked=True).order_by("pk")[:REPLAY_BATCH]
            )
            pipe = client.pipeline(transaction=False)
            for row in rows:
                if row.renew_seconds:
                    pipe.set(row.key, secrets.token_hex(8), ex=row.renew_seconds)
                else:
                    pipe.delete(row.key)
            pipe.execute()
            MissedRedisWrite.objects.filter(pk__in=[row.pk for row in rows]).delete()
            if rows:
                with connection.cursor() as cursor:
                    cursor.execute(f"NOTIFY {CHANNEL}")
    except redis.RedisError:
        return False
    return not MissedRedisWrite.objects.exists()


_the_watch = _Watch()


def _watch() -> _Watch:
    return _the_watch


def listener_close() -> None:
    """Close this process's LISTEN connection (before its database is dropped: the test suite's end)."""
    with _the_watch.lock:
        if _the_watch.listener is not None:
            _the_watch.listener.close()
        _the_watch.listener, _the_watch.pending, _the_watch.retry_at = None, True, 0.0
