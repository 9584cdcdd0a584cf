"""Parameters of a psycopg connection of our own to Django's database (outside Django's connection
handling: a counter that must survive the caller's rollback, a LISTEN that outlives requests)."""

from __future__ import annotations

from typing import Any

from django.db import connections

# Django's OPTIONS that are not libpq parameters.
_DJANGO_ONLY_OPTIONS = frozenset({"isolation_level", "server_side_binding", "assume_role", "pool", "context"})


def direct_connection_params(*, application_name: str, alias: str = "default") -> dict[str, Any]:
    conf = connections[alias].settings_dict
    options = {k: v for k, v in (conf.get("OPTIONS") or {}).items() if k not in _DJANGO_ONLY_OPTIONS}
    params: dict[str, Any] = {
        "dbname": conf["NAME"],
        "user": conf.get("USER"),
        "password": conf.get("PASSWORD"),
        "host": conf.get("HOST"),
        "port": str(conf.get("PORT") or ""),
        "application_name": application_name,
        **options,
    }
    return {k: v for k, v in params.items() if v not in (None, "")}
