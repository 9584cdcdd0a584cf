from django.apps import AppConfig


class ApiKeysConfig(AppConfig):
    name = "tenant_apps.apikeys"
    label = "apikeys"
    default_auto_field = "django.db.models.BigAutoField"
