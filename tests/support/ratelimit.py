"""Fixtures for code that counts in the rate-limit backend (limits, lockout, CAPTCHA single use).

The counters live outside the test transaction (in Redis, or committed by the PostgreSQL backend's own
connection), so each test gets a fresh key prefix (REDIS_KEY_PREFIX) and its keys are removed afterwards.

- `backend`: parametrised over both backends, for real (Redis skipped, with the reason, if no PING);
- `isolated_ratelimits`: the configured backend, isolated per test (for tests of the features using it).
Use them from a conftest: `from tests.support.ratelimit import backend, isolated_ratelimits  # noqa: F401`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from shared_apps.ratelimit.backends import CounterBackend, get_backend

DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/3"


def redis_url_for_tests(settings: Any) -> str:
    """REDIS_URL from the environment (a db number of its own), else loopback db 3; skip if no PING."""
    url = settings.REDIS_URL or DEFAULT_TEST_REDIS_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis answers PING at {url} ({type(error).__name__}); the Redis backend is untested")
    return url


def _isolate(settings: Any) -> None:
    # Under the run's own prefix, so that nothing a test leaves behind escapes the run's clean-up.
    settings.REDIS_KEY_PREFIX = f"{settings.REDIS_KEY_PREFIX}{uuid.uuid4().hex[:12]}:"
    settings.RATELIMIT_ENABLED = True


def _release(chosen: CounterBackend) -> None:
    chosen.clear()
    close = getattr(chosen, "close", None)
    if close:
        close()


@pytest.fixture(params=["postgres", pytest.param("redis", marks=pytest.mark.redis)])
def backend(request: pytest.FixtureRequest, settings: Any, db: None) -> Iterator[CounterBackend]:
    _isolate(settings)
    if request.param == "redis":
        settings.RATELIMIT_BACKEND = "redis"
        settings.RATELIMIT_REDIS_URL = redis_url_for_tests(settings)
    else:
        settings.RATELIMIT_BACKEND = "postgres"
    chosen = get_backend()
    assert chosen.name == request.param
    yield chosen
    _release(chosen)


@pytest.fixture
def isolated_ratelimits(settings: Any, db: None) -> Iterator[CounterBackend]:
    _isolate(settings)
    chosen = get_backend()
    yield chosen
    _release(chosen)
