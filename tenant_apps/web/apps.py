from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tenant_apps.web"
    label = "web"
    verbose_name = "Site web du tenant"
