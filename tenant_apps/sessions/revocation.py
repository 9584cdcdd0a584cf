"""The Redis side of session liveness: a cached POSITIVE fact, "this session was alive", never a revocation.

PostgreSQL is the authority (`UserSession.revoked_at` and the expiries). Redis only remembers, for a short
while, that the database said a session was alive, so that a warm request reads no SQL. Whatever Redis
loses — a restart without persistence, a FLUSHDB, an eviction, an outage — therefore costs one query, never
a logged-out token accepted again: a missing key means "ask the database", not "alive".

Two keys per session (read in the same MGET as the cached principal, shared_apps.accounts.principal_cache):
- its *generation*: a random value, created (SET NX) the first time a request needs it;
- its *alive* fact: the generation it was confirmed under, with a TTL no longer than the session's own
  deadlines nor `AUTHN_SESSION_CACHE_SECONDS`.
The fact is trusted only while it equals the current generation. Revocation deletes both keys, right away
and again once its transaction commits: a request that read the session row before the commit and stores
its fact afterwards stores it under a generation that is gone, so no reader trusts it. Losing only the
generation (an eviction) likewise invalidates the fact, since a fact is never stored under an empty one.

If Redis cannot be reached when a session is revoked, the database row is revoked anyway and the keys are
recorded as a missed write (shared_apps.core.redis_fence) in the same transaction: until they are replayed
into Redis, no process trusts a fact Redis holds, so one that comes back with its data intact cannot vouch
for the revoked session.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

import redis
from django.conf import settings
from django.db import transaction

from shared_apps.core import near_cache
from shared_apps.core.redis_client import redis_client
from shared_apps.core.redis_fence import missed_write_record
from shared_apps.core.redis_keys import redis_key

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 60
# A generation outlives the facts stored under it, so that it is not recreated under a live fact.
GENERATION_EXTRA_SECONDS = 3600


def ttl_seconds() -> int:
    return int(getattr(settings, "AUTHN_SESSION_CACHE_SECONDS", DEFAULT_TTL_SECONDS))


def alive_key(schema_name: str, session_id: UUID | str) -> str:
    return redis_key(f"authn:alive:{schema_name}:{session_id}")


def generation_key(schema_name: str, session_id: UUID | str) -> str:
    return redis_key(f"authn:session-gen:{schema_name}:{session_id}")


def session_keys(schema_name: str, session_id: UUID | str) -> tuple[str, str]:
    """(alive, generation): what principal_cache.lookup reads first."""
    return alive_key(schema_name, session_id), generation_key(schema_name, session_id)


def generation_claim(*, schema_name: str, session_id: UUID | str) -> str | None:
    """The session's generation, created if absent; None when Redis cannot answer. Read BEFORE the session
    row, so that a revocation committed in between leaves the fact stored afterwards untrusted."""
    client = redis_client()
    if client is None:
        return None
    key = generation_key(schema_name, session_id)
    ttl = max(ttl_seconds(), 1) + GENERATION_EXTRA_SECONDS
    try:
        pipe = client.pipeline(transaction=False)
        pipe.set(key, secrets.token_hex(8), nx=True, ex=ttl)
        pipe.get(key)
        _, value = pipe.execute()
    except redis.RedisError:
        logger.warning("Redis unreachable: session generation not read")
        return None
    return value.decode() if value else None


def mark_alive(
    *, schema_name: str, session_id: UUID | str, generation: str, until: datetime, now: datetime
) -> None:
    """Remember that the database said the session was alive (read after `generation` was claimed)."""
    client = redis_client()
    remaining_ms = int((until - now).total_seconds() * 1000)
    ttl_ms = min(ttl_seconds() * 1000, remaining_ms)
    if client is None or not generation or ttl_ms <= 0:
        return
    try:
        client.set(alive_key(schema_name, session_id), generation.encode(), px=ttl_ms)
    except redis.RedisError:
        logger.warning("could not cache a session's liveness in Redis")


def _forget(keys: list[str]) -> None:
    client = redis_client()
    if client is None:
        return
    try:
        client.delete(*keys)
        near_cache.barrier(client)
    except redis.RedisError:
        logger.exception("could not drop %d cached session fact(s) from Redis", len(keys))
        missed_write_record(keys)


def mark_revoked(*, schema_name: str, session_ids: Iterable[UUID | str]) -> None:
    """Drop the sessions' cached facts now and once the revoking transaction commits (module docstring)."""
    keys = [key for session_id in session_ids for key in session_keys(schema_name, session_id)]
    if not keys:
        return
    _forget(keys)
    transaction.on_commit(lambda: _forget(keys))
