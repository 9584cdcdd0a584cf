import os


def use_default_settings() -> None:
    """Point DJANGO_SETTINGS_MODULE at production settings when DJANGO_ENV says so, else development."""
    default = (
        "config.settings.production"
        if os.environ.get("DJANGO_ENV") == "production"
        else "config.settings.dev"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default)
