"""Typed access to django-tenants' schema switching on the default connection (its wrapper is untyped)."""

from __future__ import annotations

from typing import Any, cast

from django.db import connection


def _tenant_connection() -> Any:
    return cast(Any, connection)


def use_public_schema() -> None:
    _tenant_connection().set_schema_to_public()


def use_tenant_schema(tenant: Any) -> None:
    """Point the connection at `tenant`'s schema (the SET search_path runs lazily, with the next query).

    django-tenants forgets the search_path in force at every set_tenant, so each request that queries paid
    one more round trip for `SET search_path`, also when the connection (persistent, CONN_MAX_AGE) already
    serves that very schema. The wrapper clears its record of the path in force on close, rollback and
    savepoint rollback, the only ways the SET can be undone; while the record still holds exactly the paths
    that set_tenant would lead to, the SET is skipped.
    """
    wrapper = _tenant_connection()
    if (
        wrapper.search_path_set_schemas
        and wrapper.schema_name == tenant.schema_name
        and wrapper.include_public_schema
    ):
        wrapper.tenant = tenant  # this request's copy of the row (settings may have changed)
        return
    wrapper.set_tenant(tenant)
