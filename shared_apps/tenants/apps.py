from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "shared_apps.tenants"
    label = "tenants"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (the foreign-key check; routing-cache invalidation)
