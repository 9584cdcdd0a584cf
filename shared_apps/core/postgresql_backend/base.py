"""django-tenants' PostgreSQL backend, plus the writer's half of the data-version rule
(shared_apps.core.data_version): the connection collects the schemas whose data its statements changed —
the business tables' triggers say so in a NOTICE — and forgets their cached tokens once that is committed.

When "committed" is: after COMMIT (Django's `_commit`, the end of the outermost atomic block or an explicit
commit), or after the statement itself in autocommit mode. A rollback drops the record (nothing changed);
a savepoint rollback keeps it (forgetting a token too many costs one cache miss, too few a stale answer).
Code that runs a statement on the raw psycopg connection in autocommit calls `changes_published` after it.
"""

from __future__ import annotations

import weakref
from typing import Any

import psycopg
from django_tenants.postgresql_backend import base as tenant_base

from shared_apps.core import data_version


def changes_published(wrapper: Any) -> None:
    """Forget the tokens of what `wrapper`'s connection changed, if that is committed already (autocommit):
    for statements run on the raw psycopg connection, past Django's cursor."""
    if isinstance(wrapper, DatabaseWrapper) and wrapper.changed_schemas and wrapper.autocommit:
        wrapper.publish_changes()


def _notice_handler(ref: weakref.ReferenceType[DatabaseWrapper]) -> Any:
    def handle(diagnostic: psycopg.errors.Diagnostic) -> None:
        schema = data_version.schema_from_notice(diagnostic.message_primary or "")
        wrapper = ref()
        if schema is not None and wrapper is not None:
            wrapper.changed_schemas.add(schema)

    return handle


class DatabaseWrapper(tenant_base.DatabaseWrapper):  # type: ignore[misc]  # untyped base
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Schemas this connection changed since its last commit (see the module docstring).
        self.changed_schemas: set[str] = set()
        # Whether the server is a Citus coordinator, read with each new connection (no trigger, so no
        # cached read there: shared_apps.core.data_version).
        self.citus = False
        self.execute_wrappers.append(self._after_statement)

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        raw = super().get_new_connection(conn_params)
        raw.add_notice_handler(_notice_handler(weakref.ref(self)))
        # On the raw connection: not a query of the request (query-count pins), and back out of the
        # transaction it opens so that Django can set autocommit.
        self.citus = (
            raw.execute("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus'").fetchone()
            is not None
        )
        if raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            raw.rollback()
        return raw

    def publish_changes(self) -> None:
        schemas, self.changed_schemas = self.changed_schemas, set()
        data_version.forget(schemas)

    def _after_statement(self, execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if self.changed_schemas and self.autocommit:
            self.publish_changes()
        return result

    def _commit(self) -> None:
        super()._commit()
        if self.changed_schemas:
            self.publish_changes()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self.changed_schemas.clear()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            # Closing with a transaction open rolls it back; in autocommit everything was published.
            self.changed_schemas.clear()
