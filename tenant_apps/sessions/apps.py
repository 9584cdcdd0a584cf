from django.apps import AppConfig


class SessionsConfig(AppConfig):
    # Label `user_sessions`: `sessions` is taken by django.contrib.sessions.
    name = "tenant_apps.sessions"
    label = "user_sessions"
    default_auto_field = "django.db.models.BigAutoField"
