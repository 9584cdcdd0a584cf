from django.apps import AppConfig


class MetroConfig(AppConfig):
    name = "tenant_apps.metro"
    label = "metro"
    verbose_name = "METRO invoices"
    default_auto_field = "django.db.models.BigAutoField"
