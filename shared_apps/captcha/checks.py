"""Start-up check: a third-party CAPTCHA named without its secret silently falls back to proof-of-work."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from .services import SITEVERIFY_PROVIDERS


@checks.register()
def captcha_configuration(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    name = str(settings.CAPTCHA_PROVIDER or "pow").lower()
    if name == "pow":
        return []
    if name not in SITEVERIFY_PROVIDERS:
        return [
            checks.Warning(f"CAPTCHA_PROVIDER {name!r} is unknown; proof-of-work is used.", id="captcha.W001")
        ]
    if not settings.CAPTCHA_SECRET_KEY or not settings.CAPTCHA_SITE_KEY:
        return [
            checks.Warning(
                f"CAPTCHA_PROVIDER is {name!r} but CAPTCHA_SECRET_KEY or CAPTCHA_SITE_KEY is empty; "
                "proof-of-work is used.",
                id="captcha.W002",
            )
        ]
    return []
