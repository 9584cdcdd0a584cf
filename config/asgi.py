"""ASGI entry point."""

from config import use_default_settings

use_default_settings()

from django.core.asgi import get_asgi_application  # noqa: E402

application = get_asgi_application()
