from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "shared_apps.tenants"
    label = "tenants"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (routing-cache invalidation)
