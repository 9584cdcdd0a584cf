"""Tests: the real PostgreSQL (and Redis where REDIS_URL is set); fast password hashing is NOT used for
the hashing tests themselves, which override it."""

import hashlib
import uuid

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SHARED_HOSTS = ["api.testserver", "localhost", "127.0.0.1"]
ALLOWED_HOSTS = [".testserver", "testserver", "localhost", "127.0.0.1", ".localhost"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TENANT_TEMPLATE_SCHEMA = env.str("TENANT_TEMPLATE_SCHEMA", default="tenant_template")
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# One test database per checkout (pytest-django adds _gw0, _gw1… per xdist worker): two clones running the
# suite on one server do not drop each other's database.
_checkout = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]
DATABASES["default"]["TEST"] = {  # noqa: F405
    "NAME": env.str("TEST_DATABASE_NAME", default=f"test_massacorp_{_checkout}")
}
# Every test process (each xdist worker too) keeps its Redis keys under a prefix of its own: runs that share
# a Redis database never see each other's counters, locks, revocations or cached principals.
REDIS_KEY_PREFIX = f"{env.str('REDIS_KEY_PREFIX', default='test:')}{uuid.uuid4().hex[:12]}:"
if "KEY_PREFIX" in CACHES["default"]:  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = REDIS_KEY_PREFIX  # noqa: F405
METRICS_TOKEN = "test-metrics-token"  # noqa: S105
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected here: assets come from the apps (finders)
# HIBP stays on, pointed at a closed loopback port: tests that do not care fail open at once (the bundled
# list still applies) and never reach the Internet; the HIBP tests point it at their fake server.
HIBP_API_URL = "http://127.0.0.1:9/range/"
# Background tasks run at once, in the test's transaction.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# OAuth (M4): tenant test domains are plain http; the OAuth tests point the providers at a loopback fake.
OAUTH_ALLOW_HTTP_RETURN_URLS = True
# Each test process learns of tenant changes through its own signals; a periodic check would add a query at
# random to requests whose queries are counted. The cross-process test runs its own process with a check.
TENANT_ROUTING_CHECK_SECONDS = env.float("TENANT_ROUTING_CHECK_SECONDS", default=0.0)
