from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "shared_apps.ops"
    label = "ops"

    def ready(self) -> None:
        from .logging import install_request_id_filter

        install_request_id_filter()
