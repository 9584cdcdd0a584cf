"""Production: the same settings with real values; start-up refuses unsafe ones, naming the variable."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_FIELD_ENCRYPTION_KEY, DEV_JWT_SIGNING_KEY, DEV_SECRET_KEY, env
from .checks import production_problems

_problems = production_problems(
    os.environ,
    dev_defaults={
        "SECRET_KEY": DEV_SECRET_KEY,
        "JWT_SIGNING_KEYS": DEV_JWT_SIGNING_KEY,
        "FIELD_ENCRYPTION_KEYS": DEV_FIELD_ENCRYPTION_KEY,
    },
)
if _problems:
    raise ImproperlyConfigured("Refusing to start in production: " + "; ".join(_problems))

DEBUG = False
# /metrics and /health/deep: the bearer METRICS_TOKEN only, unless networks are named here (a reverse proxy
# on the same host makes every client a loopback peer; TRUSTED_PROXIES lets the real client be seen).
INTERNAL_NETWORKS = env.list("INTERNAL_NETWORKS", default=[])
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
WEB_SESSION_COOKIE_SECURE = True
