from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    """Read models over the catalogue and the stock (no tables of its own): /catalog/… and /analytics/…."""

    name = "tenant_apps.analytics"
    label = "analytics"
    verbose_name = "Catalogue and stock analytics"
