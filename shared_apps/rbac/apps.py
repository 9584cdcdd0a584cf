from django.apps import AppConfig


class RbacConfig(AppConfig):
    name = "shared_apps.rbac"
    label = "rbac"
    default_auto_field = "django.db.models.BigAutoField"
