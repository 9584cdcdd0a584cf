"""Typed access to django-tenants' schema switching on the default connection (its wrapper is untyped)."""

from __future__ import annotations

from typing import Any, cast

from django.db import connection


def _tenant_connection() -> Any:
    return cast(Any, connection)


def use_public_schema() -> None:
    _tenant_connection().set_schema_to_public()


def use_tenant_schema(tenant: Any) -> None:
    """Point the connection at `tenant`'s schema (the SET search_path runs lazily, with the next query)."""
    _tenant_connection().set_tenant(tenant)
