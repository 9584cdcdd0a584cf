from django.apps import AppConfig


class GdprConfig(AppConfig):
    name = "shared_apps.gdpr"
    label = "gdpr"
