"""Plain Django with no tenancy: the baseline process of `bench_routing.py --cross-check`.

The middleware of config.settings.base minus the tenant routing and tenant apps' middleware, Django's own
PostgreSQL backend (not django-tenants' wrapper), only the apps that middleware and DRF need, and
scripts.bench.plain_urls, whose /api/v1/info is a DRF APIView answering the same small dict as the tenant
view. Never used to serve.
"""

from config.settings.base import (  # noqa: F401 - the same behaviour as the real stack
    CORS_ALLOW_HEADERS,
    CORS_ALLOWED_ORIGINS,
    CORS_EXPOSE_HEADERS,
    LOGGING,
    MAX_REQUEST_BODY_BYTES,
    SECURE_CONTENT_TYPE_NOSNIFF,
    SECURE_CROSS_ORIGIN_OPENER_POLICY,
    SECURE_HSTS_INCLUDE_SUBDOMAINS,
    SECURE_HSTS_PRELOAD,
    SECURE_HSTS_SECONDS,
    SECURE_REFERRER_POLICY,
    SLOW_REQUEST_MS,
    STATIC_ROOT,
    STATIC_URL,
    TRUSTED_PROXIES,
    X_FRAME_OPTIONS,
)
from config.settings.base import DATABASES as _DATABASES
from config.settings.base import MIDDLEWARE as _MIDDLEWARE
from config.settings.base import REST_FRAMEWORK as _REST_FRAMEWORK

SECRET_KEY = "plain-bench-settings-not-a-secret-" + "x" * 32
DEBUG = False
ALLOWED_HOSTS = [".localhost", "localhost", "127.0.0.1"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "corsheaders",
    "django_prometheus",
    "shared_apps.core",
    "shared_apps.ops",
]
# The real list minus what needs tenancy: the routing, and middleware of tenant apps (API-key usage), which
# this process does not install. (The in-process comparison of bench_routing.py keeps the latter.)
_TENANCY_FREE = (
    "django.",
    "django_prometheus.",
    "corsheaders.",
    "whitenoise.",
    "shared_apps.ops.",
    "shared_apps.core.",
)
MIDDLEWARE = [name for name in _MIDDLEWARE if name.startswith(_TENANCY_FREE)]
ROOT_URLCONF = "scripts.bench.plain_urls"
DATABASES = {"default": {**_DATABASES["default"], "ENGINE": "django.db.backends.postgresql"}}
# Both views declare no authentication and no permission; the defaults name our identity apps, absent here.
REST_FRAMEWORK = {
    **_REST_FRAMEWORK,
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "DEFAULT_SCHEMA_CLASS": "rest_framework.schemas.openapi.AutoSchema",
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
USE_TZ = True
TIME_ZONE = "Europe/Paris"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
