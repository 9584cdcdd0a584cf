from django.apps import AppConfig


class StockConfig(AppConfig):
    name = "tenant_apps.stock"
    label = "stock"
    verbose_name = "Stock"
    default_auto_field = "django.db.models.BigAutoField"
