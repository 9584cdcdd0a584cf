"""The production start-up checks, kept apart from production.py so that tests can call them."""

from __future__ import annotations

from collections.abc import Mapping

_FALSY = {"", "0", "false", "off", "no"}


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def production_problems(environ: Mapping[str, str], *, dev_defaults: Mapping[str, str]) -> list[str]:
    """Every reason the environment is unsafe for production, each naming its variable."""
    problems: list[str] = []
    secret_key = environ.get("SECRET_KEY")
    if not secret_key:
        problems.append("SECRET_KEY is not set")
    elif secret_key == dev_defaults["SECRET_KEY"] or len(secret_key) < 50:
        problems.append("SECRET_KEY is the development default or shorter than 50 characters")

    jwt_keys = _split(environ.get("JWT_SIGNING_KEYS", ""))
    if not jwt_keys:
        problems.append("JWT_SIGNING_KEYS is not set")
    elif any(dev_defaults["JWT_SIGNING_KEYS"] in key for key in jwt_keys):
        problems.append("JWT_SIGNING_KEYS contains the development default")
    elif any(":" not in key or len(key.split(":", 1)[1]) < 32 for key in jwt_keys):
        problems.append("JWT_SIGNING_KEYS must be 'kid:secret' pairs with secrets of 32+ characters")

    field_keys = _split(environ.get("FIELD_ENCRYPTION_KEYS", ""))
    if not field_keys:
        problems.append("FIELD_ENCRYPTION_KEYS is not set")
    elif dev_defaults["FIELD_ENCRYPTION_KEYS"] in field_keys:
        problems.append("FIELD_ENCRYPTION_KEYS contains the development default")

    if environ.get("DEBUG", "").strip().lower() not in _FALSY:
        problems.append("DEBUG is on")

    if environ.get("OAUTH_ALLOW_HTTP_RETURN_URLS", "").strip().lower() not in _FALSY:
        problems.append("OAUTH_ALLOW_HTTP_RETURN_URLS is on (OAuth return URLs must be https)")

    hosts = _split(environ.get("ALLOWED_HOSTS", ""))
    if not hosts:
        problems.append("ALLOWED_HOSTS is not set")
    elif any(host in {"*", ".*"} for host in hosts):
        problems.append("ALLOWED_HOSTS contains a wildcard")
    return problems
