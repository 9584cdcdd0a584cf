"""The Redis side of session liveness: a key per revoked session, set the moment it is revoked.

With Redis configured, a request reads its session's key in the same MGET as its cached principal
(shared_apps.authn.principal_read); without it, the session row is joined to the principal's statement.
A key only has to outlive the access tokens of its session: afterwards the refresh, which always reads
the database, refuses the revoked session anyway.
Keys are written before the revoking transaction commits: if it then rolls back, the session stays refused
(fail closed), which is the safe side of a rare case. If Redis cannot be reached, the reader falls back to
the database, so an outage costs speed, not correctness.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from uuid import UUID

import redis

from shared_apps.core import near_cache
from shared_apps.core.redis_client import redis_client
from shared_apps.core.redis_keys import redis_key

from .tokens import LEEWAY_SECONDS, access_token_lifetime

logger = logging.getLogger(__name__)


def revoked_key(schema_name: str, session_id: UUID | str) -> str:
    return redis_key(f"authn:revoked:{schema_name}:{session_id}")


def mark_revoked(*, schema_name: str, session_ids: Iterable[UUID | str]) -> None:
    client = redis_client()
    ids = list(session_ids)
    if client is None or not ids:
        return
    ttl = access_token_lifetime() + LEEWAY_SECONDS + 60
    try:
        pipe = client.pipeline(transaction=False)
        for session_id in ids:
            pipe.set(revoked_key(schema_name, session_id), b"1", ex=ttl)
        pipe.execute()
        near_cache.barrier(client)
    except redis.RedisError:
        # The database row is revoked already; with Redis down the readers use it.
        logger.exception("could not publish %d session revocation(s) to Redis", len(ids))
