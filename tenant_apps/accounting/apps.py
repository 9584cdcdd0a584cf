from django.apps import AppConfig


class AccountingConfig(AppConfig):
    name = "tenant_apps.accounting"
    label = "accounting"
    default_auto_field = "django.db.models.BigAutoField"
