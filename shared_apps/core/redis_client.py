"""The process's Redis connection pool for the fast paths (session revocation, cached principals); None
when no REDIS_URL is configured. Short timeouts: every caller falls back to PostgreSQL on a Redis error."""

from __future__ import annotations

from functools import lru_cache

import redis
from django.conf import settings


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def redis_client() -> redis.Redis | None:
    url = str(getattr(settings, "REDIS_URL", "") or "")
    return _client(url) if url else None
