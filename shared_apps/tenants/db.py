"""Typed access to django-tenants' schema switching on the default connection (its wrapper is untyped)."""

from __future__ import annotations

import time
from typing import Any, cast

from django.conf import settings
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
    if wrapper.search_path_set_schemas:
        # Leaving a schema this connection has really queried (its SET search_path ran): count it.
        _count_schema(wrapper, wrapper.schema_name)
    wrapper.set_tenant(tenant)


def _count_schema(wrapper: Any, schema_name: str) -> None:
    """Recycle a connection once it has queried more than TENANT_CONNECTION_MAX_SCHEMAS schemas.

    Its PostgreSQL backend keeps the catalogue entries (relation, attribute, index descriptors) of every
    table it has touched, for as long as it lives: from ~37 KiB per tenant schema for a request that reads a
    few tables to ~480 KiB for one that reads them all, so a persistent connection that round-robins over
    1,000 tenants grows by tens to hundreds of MiB. Django closes a connection at the end of a request once
    `close_at` has passed (CONN_MAX_AGE uses the same field); setting it to now bounds the backend's memory
    at the cost of one reconnect per that many schemas. Only schemas the connection has sent a query for
    count (routing alone costs the backend nothing), and the count starts again with a new connection.
    """
    limit = int(getattr(settings, "TENANT_CONNECTION_MAX_SCHEMAS", 0))
    raw = wrapper.connection
    if limit <= 0 or raw is None:
        return
    served: tuple[Any, set[str]] | None = getattr(wrapper, "massacorp_schemas_served", None)
    if served is None or served[0] is not raw:
        served = (raw, set())
        wrapper.massacorp_schemas_served = served
    served[1].add(schema_name)
    if len(served[1]) > limit:
        wrapper.close_at = time.monotonic()


def use_schema(schema_name: str) -> None:
    """Point the connection at a schema by name (maintenance work that has no tenant row at hand)."""
    _tenant_connection().set_schema(schema_name)
