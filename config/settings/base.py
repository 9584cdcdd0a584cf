"""Settings shared by every environment; each value comes from the environment (django-environ)."""

from __future__ import annotations

import os
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
# The routing cache (shared_apps/tenants/routing.py): entries live long because changes reach every process
# within TENANT_ROUTING_CHECK_SECONDS (0: only the changing process learns of them, the TTL bounds the rest).
# The size should cover the hosts one node serves; unknown names get their own, smaller table.
TENANT_ROUTING_CACHE_TTL = env.float("TENANT_ROUTING_CACHE_TTL", default=300.0)
TENANT_ROUTING_CHECK_SECONDS = env.float("TENANT_ROUTING_CHECK_SECONDS", default=1.0)
TENANT_ROUTING_CACHE_SIZE = env.int("TENANT_ROUTING_CACHE_SIZE", default=2048)
TENANT_ROUTING_NEGATIVE_CACHE_SIZE = env.int("TENANT_ROUTING_NEGATIVE_CACHE_SIZE", default=256)
TENANT_ROUTING_NEGATIVE_TTL = env.float("TENANT_ROUTING_NEGATIVE_TTL", default=30.0)
# A PostgreSQL backend keeps catalogue entries for every schema it has queried (37-480 KiB per tenant schema):
# a connection that has queried more schemas than this is closed at the end of its request (0: never).
TENANT_CONNECTION_MAX_SCHEMAS = env.int("TENANT_CONNECTION_MAX_SCHEMAS", default=100)

# Signing keys: "kid:secret" pairs; the first signs, all verify (a rotated key keeps working until expiry).
JWT_SIGNING_KEYS = env.list("JWT_SIGNING_KEYS", default=[f"dev:{DEV_JWT_SIGNING_KEY}"])
# Fernet keys for field encryption at rest; the first encrypts, all decrypt (MultiFernet).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[DEV_FIELD_ENCRYPTION_KEY])

SHARED_APPS = [
    # Ours before django_tenants: our create_tenant / delete_tenant commands replace its interactive ones.
    "shared_apps.tenants",
    "shared_apps.core",
    "shared_apps.ops",
    "shared_apps.audit",
    "shared_apps.ratelimit",
    "shared_apps.captcha",
    "shared_apps.accounts",
    "shared_apps.authn",
    "shared_apps.mfa",
    "shared_apps.rbac",
    "shared_apps.members",
    "shared_apps.oauth",
    "shared_apps.gdpr",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    # After the admin: django-tenants' admin index templates need a tenant on the request, and the
    # platform admin runs on the public host, where there is none; Django's own templates are used.
    "django_tenants",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_prometheus",
    # Background jobs: the queue table lives in the public schema; each task names its tenant.
    "django_tasks",
    "django_tasks_db",
]
TENANT_APPS: list[str] = [
    "django.contrib.contenttypes",
    "tenant_apps.sessions",
    "tenant_apps.apikeys",
    "tenant_apps.catalog",
    "tenant_apps.stock",
    "tenant_apps.analytics",
    "tenant_apps.metro",
    "tenant_apps.sales",
    "tenant_apps.expenses",
    # The tenant's French site (no tables of its own): templates, static assets, the cookie session.
    "tenant_apps.web",
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
    # First, so that every request is logged with its id, a routing failure (database down) included.
    "shared_apps.ops.middleware.RequestContextMiddleware",
    "shared_apps.ops.middleware.ApiTrailingSlashMiddleware",
    "shared_apps.tenants.middleware.TenantRoutingMiddleware",
    # Records API-key usage after the response went out (inside the timing, so it sees the final status).
    "tenant_apps.apikeys.usage.ApiKeyUsageMiddleware",
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
    "django_htmx.middleware.HtmxMiddleware",
    # The web app's sign-in cookie → its session row (tenant pages only; the API has its own credentials).
    "tenant_apps.web.session.WebSessionMiddleware",
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
# Every key this project keeps in Redis starts with it (rate limits, locks, revocations, cached principals;
# Django's cache keys hold it too), so that deployments, or test runs, can share one Redis database.
REDIS_KEY_PREFIX = env.str("REDIS_KEY_PREFIX", default="massacorp:")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX,
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
    # Argon2id at OWASP's parameters, at most PASSWORD_HASH_CONCURRENCY hashes at once per process. It
    # replaces Django's Argon2PasswordHasher: both are named "argon2", and only one may answer for the name.
    "shared_apps.accounts.passwords.CappedArgon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    # The predecessor's `$2b$` hashes, imported as `bcrypt$$2b$…`; re-hashed to Argon2id at the next login.
    "shared_apps.accounts.hashers.LegacyBCryptPasswordHasher",
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
# While the database cannot be reached (a restart, a failover) requests get 503 with this Retry-After.
SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS = env.int("SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS", default=2)
# Proxies whose X-Forwarded-For / X-Request-ID we believe (IP addresses).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["shared_apps.core.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Every API view needs a valid access token of this tenant and an active membership, unless it says not.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "shared_apps.authn.authentication.AccessTokenAuthentication",
        "tenant_apps.apikeys.authentication.ApiKeyAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["shared_apps.rbac.permissions.RequiredPermission"],
    "EXCEPTION_HANDLER": "shared_apps.core.exception_handlers.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "shared_apps.core.openapi.ContractAutoSchema",
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
    # Request and response shapes apart: a field the server sets is not one a client must send.
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVERS": [{"url": "/", "description": "This tenant (by host, or X-Tenant-ID on a shared host)"}],
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
# The web app answers a CSRF failure with a page, the API (and the public host) with the JSON error body.
CSRF_FAILURE_VIEW = "tenant_apps.web.errors.csrf_failure"

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
# Networks allowed to read /metrics and /health/deep without the token (production: none by default).
INTERNAL_NETWORKS = env.list("INTERNAL_NETWORKS", default=["127.0.0.0/8", "::1/128"])
PROMETHEUS_EXPORT_MIGRATIONS = False

# JSON lines by default: every value is escaped, so nothing a client sends (a path, a header) can start a
# line of its own; each record carries the request id, the tenant and the user (shared_apps.ops.logging).
# LOG_FORMAT=plain gives one human-readable line per record (development only: it escapes nothing).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(tenant)s %(user)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s request_id=%(request_id)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "massacorp.request": {"level": "INFO", "propagate": True},
    },
}

# --- Identity: accounts, sign-in (authn), sessions ---
AUTH_USER_MODEL = "accounts.User"
# Email uniqueness is the functional index on LOWER(email) (accounts_user_email_ci_unique), which this check
# cannot see; the manager's get_by_natural_key looks up through that index.
SILENCED_SYSTEM_CHECKS = ["auth.E003"]
JWT_ISSUER = env.str("JWT_ISSUER", default="massacorp")
JWT_AUDIENCE = env.str("JWT_AUDIENCE", default="massacorp-api")
# Capped at 15 minutes: revocation is checked per request, but a short life bounds a leaked token.
JWT_ACCESS_TOKEN_LIFETIME_SECONDS = min(env.int("JWT_ACCESS_TOKEN_LIFETIME_SECONDS", default=900), 900)
# Platform defaults; a tenant's settings `session_idle_timeout_seconds` / `session_absolute_timeout_seconds`
# may only shorten them.
SESSION_IDLE_TIMEOUT_SECONDS = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=7 * 24 * 3600)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=30 * 24 * 3600)
MFA_SESSION_TOKEN_LIFETIME_SECONDS = 300
PASSWORD_RESET_TOKEN_LIFETIME_SECONDS = min(
    env.int("PASSWORD_RESET_TOKEN_LIFETIME_SECONDS", default=900), 900
)
# The link mailed for a password reset; {domain} is the tenant's primary domain, never the request's Host.
PASSWORD_RESET_URL = env.str("PASSWORD_RESET_URL", default="https://{domain}/reset-password?token={token}")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="MassaCorp <no-reply@massacorp.localhost>")
# Mails leave through a background task (shared_apps.core.mail): a failed send is retried after 30 s, then
# 60, 120… up to MAIL_MAX_ATTEMPTS; one attempt waits at most EMAIL_TIMEOUT for the server.
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=6)
MAIL_RETRY_SECONDS = env.int("MAIL_RETRY_SECONDS", default=30)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
# Login limits: per (tenant, account) and per client IP at one tenant, plus a per-IP limit across tenants.
LOGIN_RATE_LIMIT_PER_ACCOUNT = env.int("LOGIN_RATE_LIMIT_PER_ACCOUNT", default=5)
LOGIN_RATE_LIMIT_PER_IP = env.int("LOGIN_RATE_LIMIT_PER_IP", default=20)
LOGIN_RATE_LIMIT_GLOBAL_PER_IP = env.int("LOGIN_RATE_LIMIT_GLOBAL_PER_IP", default=60)
LOGIN_RATE_LIMIT_WINDOW_SECONDS = 60

# --- Rate limits and lockout, CAPTCHA, password policy ---
# Atomic counters (rate limits, lockout, single-use CAPTCHA challenges): "auto" = Redis when a Redis URL is
# set, else the UNLOGGED PostgreSQL table ratelimit_counter. Never Django's cache (not atomic).
RATELIMIT_BACKEND = env.str("RATELIMIT_BACKEND", default="auto")  # auto | redis | postgres
RATELIMIT_REDIS_URL = env.str("RATELIMIT_REDIS_URL", default=REDIS_URL)
RATELIMIT_REDIS_TIMEOUT_SECONDS = env.float("RATELIMIT_REDIS_TIMEOUT_SECONDS", default=1.0)
# After Redis fails to answer, counters use PostgreSQL for this long before Redis is tried again.
RATELIMIT_REDIS_RETRY_SECONDS = env.float("RATELIMIT_REDIS_RETRY_SECONDS", default=5.0)
RATELIMIT_ENABLED = env.bool("RATELIMIT_ENABLED", default=True)
# Brute-force escalation per scope (shared_apps.ratelimit.lockout): CAPTCHA after 3 failures, a delay
# doubling from 1 s after 5, a 15-minute lock after 10, doubled for each further lock within 24 h.
LOCKOUT_CAPTCHA_AFTER = env.int("LOCKOUT_CAPTCHA_AFTER", default=3)
LOCKOUT_DELAY_AFTER = env.int("LOCKOUT_DELAY_AFTER", default=5)
LOCKOUT_DELAY_BASE_SECONDS = 1
LOCKOUT_DELAY_MAX_SECONDS = 30
LOCKOUT_LOCK_AFTER = env.int("LOCKOUT_LOCK_AFTER", default=10)
LOCKOUT_LOCK_SECONDS = env.int("LOCKOUT_LOCK_SECONDS", default=15 * 60)
LOCKOUT_LOCK_MAX_SECONDS = 24 * 3600
LOCKOUT_FAILURE_WINDOW_SECONDS = 3600
LOCKOUT_MEMORY_SECONDS = 24 * 3600
# CAPTCHA: "pow" (self-hosted proof-of-work, works offline) unless "turnstile" or "hcaptcha" is named AND
# its secret is set. CAPTCHA_VERIFY_URL overrides the provider's siteverify URL (tests: a loopback fake).
CAPTCHA_PROVIDER = env.str("CAPTCHA_PROVIDER", default="pow")
CAPTCHA_SITE_KEY = env.str("CAPTCHA_SITE_KEY", default="")
CAPTCHA_SECRET_KEY = env.str("CAPTCHA_SECRET_KEY", default="")
CAPTCHA_VERIFY_URL = env.str("CAPTCHA_VERIFY_URL", default="")
CAPTCHA_TIMEOUT_SECONDS = env.float("CAPTCHA_TIMEOUT_SECONDS", default=3.0)
CAPTCHA_POW_DIFFICULTY = env.int("CAPTCHA_POW_DIFFICULTY", default=18)  # leading zero bits of SHA-256
CAPTCHA_POW_TTL_SECONDS = env.int("CAPTCHA_POW_TTL_SECONDS", default=300)
# Breached-password check (HIBP range API, k-anonymity, padded); fails open to the bundled common list.
HIBP_ENABLED = env.bool("HIBP_ENABLED", default=True)
HIBP_API_URL = env.str("HIBP_API_URL", default="https://api.pwnedpasswords.com/range/")
HIBP_TIMEOUT_SECONDS = env.float("HIBP_TIMEOUT_SECONDS", default=1.5)
# Concurrent Argon2 hashes per process: peak hashing memory = 19 MiB x this.
PASSWORD_HASH_CONCURRENCY = env.int("PASSWORD_HASH_CONCURRENCY", default=4)

# --- METRO invoices ---
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
# POST /metro/import: at most this many PDFs per request, each at most this size; more files than
# METRO_IMPORT_SYNC_MAX_FILES run as a background job (202 + a status URL) instead of answering at once.
METRO_IMPORT_MAX_FILES = env.int("METRO_IMPORT_MAX_FILES", default=100)
METRO_IMPORT_MAX_FILE_BYTES = env.int("METRO_IMPORT_MAX_FILE_BYTES", default=10 * 1024 * 1024)
METRO_IMPORT_MAX_BODY_BYTES = env.int("METRO_IMPORT_MAX_BODY_BYTES", default=200 * 1024 * 1024)
# Django refuses more files than this while parsing the body, before the view counts them (400).
DATA_UPLOAD_MAX_NUMBER_FILES = max(100, METRO_IMPORT_MAX_FILES)
METRO_IMPORT_SYNC_MAX_FILES = env.int("METRO_IMPORT_SYNC_MAX_FILES", default=10)
# Each uploaded file is parsed in a child process with these limits (an invoice takes ~0.03 s and ~60 MB);
# beyond them it is refused as `too_complex`. A request answered at once parses for at most
# METRO_IMPORT_SYNC_PARSE_SECONDS in all (keep it under the server's timeout).
METRO_PARSE_CPU_SECONDS = env.int("METRO_PARSE_CPU_SECONDS", default=5)
METRO_PARSE_MEMORY_MB = env.int("METRO_PARSE_MEMORY_MB", default=512)
METRO_PARSE_WALL_SECONDS = env.float("METRO_PARSE_WALL_SECONDS", default=10.0)
METRO_IMPORT_SYNC_PARSE_SECONDS = env.float("METRO_IMPORT_SYNC_PARSE_SECONDS", default=30.0)
# Connections that load a batch's invoices at once (one thread each); one loader connection is bound by
# PostgreSQL's CPU. Inside an atomic block a batch loads on the caller's connection alone.
# Seconds a running METRO batch stays claimed without progress (renewed after each file and chunk): past
# it, the next import or worker finishes it as interrupted or queues its remaining files again.
METRO_BATCH_LEASE_SECONDS = env.int("METRO_BATCH_LEASE_SECONDS", default=600)
METRO_LOAD_WORKERS = env.int("METRO_LOAD_WORKERS", default=min(2, os.cpu_count() or 1))

# --- Till sales ---
# POST /ventes/import: one export (its zip, or its CSVs) per request, with the METRO import's per-file and
# body limits; an export of more than SALES_IMPORT_SYNC_MAX_ORDERS orders is loaded by a background job.
SALES_IMPORT_MAX_FILES = env.int("SALES_IMPORT_MAX_FILES", default=8)
SALES_IMPORT_MAX_FILE_BYTES = env.int("SALES_IMPORT_MAX_FILE_BYTES", default=METRO_IMPORT_MAX_FILE_BYTES)
SALES_IMPORT_MAX_BODY_BYTES = env.int("SALES_IMPORT_MAX_BODY_BYTES", default=METRO_IMPORT_MAX_BODY_BYTES)
SALES_IMPORT_SYNC_MAX_ORDERS = env.int("SALES_IMPORT_SYNC_MAX_ORDERS", default=2000)
# The zone of the till's wall-clock times when a tenant's settings name none.
SALES_DEFAULT_TIME_ZONE = env.str("SALES_DEFAULT_TIME_ZONE", default="Europe/Paris")

# --- MFA ---
# One budget of code checks per user across every code-checking endpoint, then a lock of the factor.
MFA_RATE_LIMIT_PER_USER = env.int("MFA_RATE_LIMIT_PER_USER", default=5)
MFA_RATE_LIMIT_WINDOW_SECONDS = 60
MFA_LOCK_AFTER = env.int("MFA_LOCK_AFTER", default=10)
MFA_LOCK_SECONDS = env.int("MFA_LOCK_SECONDS", default=15 * 60)
MFA_FAILURE_WINDOW_SECONDS = 24 * 3600  # consecutive failures are remembered for a day
# Step-up: sensitive actions need a login (auth_time) this recent, or a fresh code.
STEP_UP_MAX_AGE_SECONDS = env.int("STEP_UP_MAX_AGE_SECONDS", default=300)

# --- API keys ---
API_KEYS_MAX_PER_USER = env.int("API_KEYS_MAX_PER_USER", default=25)

# --- OAuth sign-in: Google and GitHub, authorization code + PKCE (Authlib's httpx client) ---
# The one redirect URI registered at each provider, for every tenant (served by the public URLconf):
# <base>/<provider>. It forwards code and state to the return URL the tenant's front started with.
OAUTH_CALLBACK_BASE_URL = env.str("OAUTH_CALLBACK_BASE_URL", default="http://localhost:8000/oauth/callback")
OAUTH_STATE_MAX_AGE_SECONDS = env.int("OAUTH_STATE_MAX_AGE_SECONDS", default=600)
OAUTH_HTTP_TIMEOUT_SECONDS = env.float("OAUTH_HTTP_TIMEOUT_SECONDS", default=5.0)
# Return URLs must be https on one of the tenant's domains; plain http only where this is on (dev, tests).
OAUTH_ALLOW_HTTP_RETURN_URLS = env.bool("OAUTH_ALLOW_HTTP_RETURN_URLS", default=DEBUG)
OAUTH_PROVIDERS = {
    "google": {
        "client_id": env.str("OAUTH_GOOGLE_CLIENT_ID", default=""),
        "client_secret": env.str("OAUTH_GOOGLE_CLIENT_SECRET", default=""),
        "authorize_url": "https://accounts.google.com/o/oauth2/v2/auth",
        "token_url": "https://oauth2.googleapis.com/token",
        "userinfo_url": "https://openidconnect.googleapis.com/v1/userinfo",
        "scope": "openid email profile",
    },
    "github": {
        "client_id": env.str("OAUTH_GITHUB_CLIENT_ID", default=""),
        "client_secret": env.str("OAUTH_GITHUB_CLIENT_SECRET", default=""),
        "authorize_url": "https://github.com/login/oauth/authorize",
        "token_url": "https://github.com/login/oauth/access_token",
        "userinfo_url": "https://api.github.com/user",
        "emails_url": "https://api.github.com/user/emails",
        "scope": "read:user user:email",
    },
}

# --- Per-request principal cached in Redis (shared_apps/accounts/principal_cache.py) -----------------------
# Seconds a principal snapshot may be served from Redis; the services invalidate it on every change, so this
# only bounds a change made outside them (admin, shell). 0 turns the cache off (one query per request).
AUTHN_PRINCIPAL_CACHE_SECONDS = env.int("AUTHN_PRINCIPAL_CACHE_SECONDS", default=60)
# Seconds Redis may remember that a session was alive (tenant_apps/sessions/revocation.py): a missing fact is
# read again from PostgreSQL, so this bounds only a revocation made while Redis could not be reached.
AUTHN_SESSION_CACHE_SECONDS = env.int("AUTHN_SESSION_CACHE_SECONDS", default=60)
# Seconds this process may answer those keys from its own copy (shared_apps/core/near_cache.py), which Redis
# keeps exact by telling of every change; this only bounds a failure not foreseen there. 0 turns it off.
AUTHN_NEAR_CACHE_SECONDS = env.float("AUTHN_NEAR_CACHE_SECONDS", default=5.0)

# --- The web app (tenant_apps/web): a sign-in cookie bound to a row of the sessions table ---
WEB_SESSION_COOKIE_NAME = env.str("WEB_SESSION_COOKIE_NAME", default="mc_session")
WEB_SESSION_COOKIE_SECURE = env.bool("WEB_SESSION_COOKIE_SECURE", default=False)
# The session's idle deadline moves at most this often (one UPDATE per active browser and period).
WEB_SESSION_TOUCH_SECONDS = env.int("WEB_SESSION_TOUCH_SECONDS", default=60)
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
