from django.apps import AppConfig


class ReadCacheConfig(AppConfig):
    """The tenant schema's half of the read cache's rule (shared_apps.core.data_version): the trigger
    function and the statement triggers of every business table. No models, no Python of its own."""

    name = "tenant_apps.readcache"
    label = "readcache"
    verbose_name = "Read cache (data-change triggers)"
