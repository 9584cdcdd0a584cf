from django.apps import AppConfig


class RatelimitConfig(AppConfig):
    name = "shared_apps.ratelimit"
    label = "ratelimit"
    verbose_name = "Rate limits and lockout"
