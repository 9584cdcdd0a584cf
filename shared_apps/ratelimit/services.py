"""Fixed-window rate limits on the atomic counters of `backends`.

    LOGIN_PER_ACCOUNT = RateLimit(name="login:account", limit=5, window_seconds=60)
    enforce(LOGIN_PER_ACCOUNT, account_scope(tenant_id=tenant.pk, account=email))  # raises RateLimited

A fixed window admits at most `limit` hits per window, up to 2 x limit across a window boundary; that is
the accepted trade-off for one atomic operation per hit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings

from shared_apps.core.exceptions import RateLimited

from .backends import get_backend

_NAMESPACE = "rl:"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    # Seconds until the window resets when the hit was refused; 0 when allowed.
    retry_after: int


@dataclass(frozen=True)
class RateLimit:
    """A limit: at most `limit` hits per `window_seconds` per key. `name` namespaces its counters."""

    name: str
    limit: int
    window_seconds: int

    def __post_init__(self) -> None:
        if self.limit < 1 or self.window_seconds < 1:
            raise ValueError("a rate limit needs limit >= 1 and window_seconds >= 1")


def _seconds(ttl_ms: int) -> int:
    return max(1, math.ceil(ttl_ms / 1000))


def hit(key: str, *, limit: int, window_seconds: int) -> Decision:
    """Count one hit on `key` and say whether it is within `limit` for the current window (atomic)."""
    count, ttl_ms = get_backend().incr(_NAMESPACE + key, window_seconds * 1000)
    allowed = count <= limit
    return Decision(allowed=allowed, count=count, retry_after=0 if allowed else _seconds(ttl_ms))


def peek(key: str, window_seconds: int | None = None, *, limit: int | None = None) -> Decision:
    """The current count without counting. `allowed` says whether one more hit would pass (always True
    without a `limit`); if not, `retry_after` is the time until the window resets (at most
    `window_seconds`)."""
    found = get_backend().get_many([_NAMESPACE + key]).get(_NAMESPACE + key)
    count, ttl_ms = found or (0, 0)
    allowed = limit is None or count < limit
    retry_after = 0
    if not allowed:
        retry_after = _seconds(ttl_ms)
        if window_seconds is not None:
            retry_after = min(retry_after, window_seconds)
    return Decision(allowed=allowed, count=count, retry_after=retry_after)


def reset(key: str) -> None:
    """Forget the counter of `key` (e.g. after a successful login)."""
    get_backend().delete(_NAMESPACE + key)


def enforce(spec: RateLimit, key: str) -> Decision:
    """Count a hit against `spec` for `key`; raise RateLimited (429 with Retry-After) beyond the limit.
    With RATELIMIT_ENABLED off nothing is counted and everything passes."""
    if not settings.RATELIMIT_ENABLED:
        return Decision(allowed=True, count=0, retry_after=0)
    decision = hit(f"{spec.name}:{key}", limit=spec.limit, window_seconds=spec.window_seconds)
    if not decision.allowed:
        raise RateLimited("Trop de requêtes. Réessayez plus tard.", retry_after=decision.retry_after)
    return decision


def ratelimit_clear_all() -> None:
    """Remove every counter, lock and used CAPTCHA challenge under REDIS_KEY_PREFIX, and in Redis every other
    key under it too (for tests, each under a prefix of its own: the state lives outside the test
    transaction, in Redis or committed rows)."""
    get_backend().clear()
