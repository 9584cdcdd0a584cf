"""ASGI entry point."""

from config import use_default_settings

use_default_settings()

from django.core.asgi import get_asgi_application  # noqa: E402

from shared_apps.ops.heap import startup_heap_freeze  # noqa: E402

application = get_asgi_application()
startup_heap_freeze()  # full collections then skip what starting made (shared_apps.ops.heap)
