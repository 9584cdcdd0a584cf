"""The Redis side of the per-request principal: a short-lived snapshot of what
shared_apps.authn.principal_read reads for an access token, fetched in the same MGET as the session's
liveness keys, so that a warm authenticated request runs no SQL at all.

A snapshot is keyed by (tenant, user); the session's liveness is the per-session "alive" fact
(tenant_apps.sessions.revocation). A snapshot is trusted only while three generation tokens still have
the values they had when it was built: the user's, the tenant's and a global one. Every service that
changes what a snapshot holds (the person, a membership, role assignments or a role's permissions, the MFA
device, GDPR erasure) calls a `forget_*` below, which gives the token a fresh random value, right away and
again when its transaction commits (as the session liveness keys are). A generation, rather than deleting
the snapshot key, also refuses a snapshot that a concurrent request built from the rows as they were
before the commit, and one token per user covers every tenant at once. Role expiry needs no invalidation:
a snapshot keeps each assignment's expiry and the reader drops what has run out at the time of its
request. The TTL is the safety net for a change made outside the services (Django admin, a shell).

Without Redis, when it cannot be reached, or while a write it missed is not replayed yet
(shared_apps.core.redis_fence), the reader asks PostgreSQL as before.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

import redis
from django.conf import settings
from django.db import transaction

from shared_apps.core import near_cache
from shared_apps.core.redis_client import redis_client
from shared_apps.core.redis_fence import missed_write_record, redis_facts_trusted
from shared_apps.core.redis_keys import redis_key

logger = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 60


def ttl_seconds() -> int:
    return int(getattr(settings, "AUTHN_PRINCIPAL_CACHE_SECONDS", DEFAULT_TTL_SECONDS))


def _snapshot_key(tenant_id: Any, user_id: UUID | str) -> str:
    return redis_key(f"authn:principal:{tenant_id}:{user_id}")


def _user_generation(user_id: UUID | str) -> str:
    return redis_key(f"authn:principal:gen:user:{user_id}")


def _tenant_generation(tenant_id: Any) -> str:
    return redis_key(f"authn:principal:gen:tenant:{tenant_id}")


def _global_generation() -> str:
    return redis_key("authn:principal:gen:all")


@dataclass(frozen=True)
class Lookup:
    """One MGET's answer. `session_alive` is None when Redis is not configured or not reachable (then ask the
    database, session row included), True when Redis holds a trusted "alive" fact for the session
    (tenant_apps.sessions.revocation), False when it does not (then confirm the session in the database:
    a missing fact never means alive); `session_generation` is the session's generation as read ("" when
    absent); `snapshot` is a still-valid snapshot or None; `stamp` is the generations read, to store a
    freshly built snapshot with."""

    session_alive: bool | None
    session_generation: str = ""
    snapshot: dict[str, Any] | None = None
    stamp: tuple[str, ...] = ()


def lookup(*, session_keys: tuple[str, str], tenant_id: Any, user_id: UUID) -> Lookup:
    """`session_keys`: the session's (alive, generation) keys (tenant_apps.sessions.revocation.session_keys),
    read in the same round trip."""
    client = redis_client()
    if client is None or not redis_facts_trusted():  # a write Redis missed: it may vouch for a revoked fact
        return Lookup(session_alive=None)
    keys = (
        *session_keys,
        _snapshot_key(tenant_id, user_id),
        _user_generation(user_id),
        _tenant_generation(tenant_id),
        _global_generation(),
    )
    try:
        # This process's copy when it holds them all (near_cache: no round trip), else one MGET: a
        # pipeline of EXISTS, GET and MGET costs more in redis-py itself.
        values = near_cache.read(keys)
        if values is None:
            values = cast(list[bytes | None], client.mget(*keys))
        alive, session_generation, raw, *generations = values
    except redis.RedisError:
        logger.warning("Redis unreachable for the session check; reading the database")
        return Lookup(session_alive=None)
    stamp = tuple(value.decode() if value else "" for value in generations)
    snapshot = None
    if raw and ttl_seconds() > 0:
        try:
            decoded = json.loads(raw)
        except ValueError:
            decoded = None
        if isinstance(decoded, dict) and tuple(decoded.get("g") or ()) == stamp:
            snapshot = decoded
    return Lookup(
        session_alive=bool(alive) and alive == session_generation,
        session_generation=session_generation.decode() if session_generation else "",
        snapshot=snapshot,
        stamp=stamp,
    )


def store(*, tenant_id: Any, user_id: UUID, stamp: tuple[str, ...], snapshot: dict[str, Any]) -> None:
    """Keep a snapshot built after `lookup` returned `stamp`: a `forget_*` since then makes it stale."""
    client, ttl = redis_client(), ttl_seconds()
    if client is None or ttl <= 0:
        return
    try:
        client.set(_snapshot_key(tenant_id, user_id), json.dumps({**snapshot, "g": list(stamp)}), ex=ttl)
    except redis.RedisError:
        logger.warning("could not cache the principal in Redis")


def _renew(keys: list[str]) -> None:
    client = redis_client()
    if client is None:
        return
    # A generation must outlive every snapshot built under its previous value (see the module docstring).
    ttl = 2 * max(ttl_seconds(), DEFAULT_TTL_SECONDS) + 60
    try:
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.set(key, secrets.token_hex(8), ex=ttl)
        pipe.execute()
        near_cache.barrier(client)
    except redis.RedisError:
        logger.exception("could not invalidate %d cached principal generation(s) in Redis", len(keys))
        missed_write_record(keys, renew_seconds=ttl)  # no snapshot is trusted until they are renewed


def _forget(keys: list[str]) -> None:
    """Now (so nothing built during the transaction survives it) and after the commit (so nothing built
    from the rows as they were before the commit survives it)."""
    _renew(keys)
    transaction.on_commit(lambda: _renew(keys))


def forget_user(user_id: UUID | str) -> None:
    """The person, one of their memberships, role assignments or MFA device changed: every tenant."""
    _forget([_user_generation(user_id)])


def forget_tenant(tenant_id: Any) -> None:
    """A tenant's own role changed (its permissions, or it was deleted): every member there."""
    _forget([_tenant_generation(tenant_id)])


def forget_all() -> None:
    """A global role's permissions changed: every snapshot."""
    _forget([_global_generation()])
