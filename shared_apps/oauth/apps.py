from django.apps import AppConfig


class OAuthConfig(AppConfig):
    name = "shared_apps.oauth"
    label = "oauth"
    default_auto_field = "django.db.models.BigAutoField"
