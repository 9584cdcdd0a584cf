"""Development: loopback hosts are shared API hosts, so `curl -H 'X-Tenant-ID: demo' http://127.0.0.1:8000/…`."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
SHARED_HOSTS = env.list("SHARED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing is collected here: assets come from the apps (finders)
