from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "tenant_apps.catalog"
    label = "catalog"
    verbose_name = "Product catalogue"
    default_auto_field = "django.db.models.BigAutoField"
