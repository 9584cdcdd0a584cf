"""WSGI entry point (gunicorn config.wsgi)."""

from config import use_default_settings

use_default_settings()

from django.core.wsgi import get_wsgi_application  # noqa: E402

from shared_apps.ops.heap import startup_heap_freeze  # noqa: E402

application = get_wsgi_application()
startup_heap_freeze()  # full collections then skip what starting made (shared_apps.ops.heap)
