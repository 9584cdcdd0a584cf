from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shared_apps.core"
    label = "core"

    def ready(self) -> None:
        # Registers the OpenAPI security schemes (by class path: core imports no identity app).
        from . import openapi  # noqa: F401
