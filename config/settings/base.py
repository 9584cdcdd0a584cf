"""Settings shared by every environment; each value comes from the environment (django-environ)."""

from __future__ import annotations

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()

# Development defaults: usable on a laptop, refused by production.py (see DEV_DEFAULTS there).
DEV_SECRET_KEY = "dev-insecure-secret-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz"  # noqa: S105
DEV_JWT_SIGNING_KEY = "dev-insecure-jwt-signing-key-change-me-0123456789abcdefghijklmnop"
DEV_FIELD_ENCRYPTION_KEY = "ZGV2LWluc2VjdXJlLWZpZWxkLWtleS0wMTIzNDU2Nzg="

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[".localhost", "localhost", "127.0.0.1", "[::1]"])

# Hosts that belong to no tenant: there the X-Tenant-ID header (a tenant slug) selects the tenant, and a
# request without it reaches the public site (admin, docs) -- or a 400 for the tenant API.
SHARED_HOSTS = env.list("SHARED_HOSTS", default=[])
TENANT_ROUTING_CACHE_TTL = env.float("TENANT_ROUTING_CACHE_TTL", default=5.0)

# Signing keys: "kid:secret" pairs; the first signs, all verify (a rotated key keeps working until expiry).
JWT_SIGNING_KEYS = env.list("JWT_SIGNING_KEYS", default=[f"dev:{DEV_JWT_SIGNING_KEY}"])
# Fernet keys for field encryption at rest; the first encrypts, all decrypt (MultiFernet).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[DEV_FIELD_ENCRYPTION_KEY])

SHARED_APPS = [
    # Ours before django_tenants: our create_tenant / delete_tenant commands replace its interactive ones.
    "shared_apps.tenants",
    "django_tenants",
    "shared_apps.core",
    "shared_apps.ops",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_prometheus",
]
TENANT_APPS: list[str] = [
    "django.contrib.contenttypes",
]
INSTALLED_APPS = list(SHARED_APPS) + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
TENANT_TEMPLATE_SCHEMA = env.str("TENANT_TEMPLATE_SCHEMA", default="tenant_template")
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
ORIGINAL_BACKEND = "django_prometheus.db.backends.postgresql"
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

MIDDLEWARE = [
    "shared_apps.tenants.middleware.TenantRoutingMiddleware",
    "shared_apps.ops.middleware.RequestContextMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "shared_apps.ops.middleware.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "shared_apps.ops.middleware.SecurityHeadersMiddleware",
    # Serves the admin's and the docs' self-hosted assets (drf-spectacular-sidecar) under gunicorn, no CDN.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

_db = env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/massacorp")
_db["ENGINE"] = "django_tenants.postgresql_backend"
_db["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
_db["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=True)
_db_options = dict(_db.get("OPTIONS", {}))
_statement_timeout_ms = env.int("DB_STATEMENT_TIMEOUT_MS", default=30_000)
if _statement_timeout_ms:
    _db_options["options"] = f"-c statement_timeout={_statement_timeout_ms}"
_db_options["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT", default=5)
for _tls_key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
    _tls_value = env.str(f"DB_{_tls_key.upper()}", default="")
    if _tls_value:
        _db_options[_tls_key] = _tls_value
_db["OPTIONS"] = _db_options
DATABASES = {"default": _db}

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }

AUTH_PASSWORD_VALIDATORS: list[dict[str, object]] = []
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT: Path | None = BASE_DIR / "staticfiles"
# Production serves what collectstatic gathered at build time; development and tests read the apps' folders.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=False)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request bodies: JSON endpoints are small; upload endpoints declare their own ceiling.
MAX_REQUEST_BODY_BYTES = env.int("MAX_REQUEST_BODY_BYTES", default=1 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
SLOW_REQUEST_MS = env.int("SLOW_REQUEST_MS", default=500)
# Proxies whose X-Forwarded-For / X-Request-ID we believe (IP addresses).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "shared_apps.core.exception_handlers.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MassaCorp API",
    "DESCRIPTION": "Multi-tenant API for restaurant and food-retail businesses.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Security headers (SecurityMiddleware + ours).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
CSRF_FAILURE_VIEW = "shared_apps.core.views.csrf_failure"

CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "x-api-key",
    "x-request-id",
    "x-tenant-id",
]
CORS_EXPOSE_HEADERS = ["x-request-id", "x-response-time", "retry-after"]

METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Networks allowed to read /metrics and /health/deep without the token.
INTERNAL_NETWORKS = env.list("INTERNAL_NETWORKS", default=["127.0.0.0/8", "::1/128"])
PROMETHEUS_EXPORT_MIGRATIONS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "massacorp.request": {"level": "INFO", "propagate": True},
    },
}
