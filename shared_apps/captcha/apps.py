from django.apps import AppConfig


class CaptchaConfig(AppConfig):
    name = "shared_apps.captcha"
    label = "captcha"
    verbose_name = "CAPTCHA"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the configuration check)
