"""What differs when the database is a Citus coordinator with schema-based sharding, and nothing else.

The same code runs on plain PostgreSQL and on Citus: Citus is detected (its extension in the database), not
configured. Three things differ there:

- tenant tables point at public tables (`accounts_user`), and tenant queries join a few (memberships,
  roles); a sharded schema may only reference, and its queries only join, *reference tables* (copied to
  every node), so those public tables, and what they in turn reference, are made reference tables by a
  migration;
- a new tenant's schema is built from the template's statements one at a time with sharding off (a plain
  schema on the coordinator), then handed to `citus_schema_distribute`, which moves it, tables and rows, to
  one worker as one colocated group (the whole script as one multi-statement string fails on the worker:
  "cannot insert multiple commands into a prepared statement");
- no foreign key may run from a public table to a tenant table or between tenants (checks.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlparse
from django.apps import apps as global_apps
from django.conf import settings
from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

_SHARDING_SETTING = "citus.enable_schema_based_sharding"

# Per database (name, host, port): whether the citus extension is there. An extension is not created or
# dropped under a running application, so one look per process is enough.
_detected: dict[tuple[str, str, str], bool] = {}


def citus_installed(cursor: Any) -> bool:
    """Whether the database behind `cursor` has the citus extension (no cache)."""
    cursor.execute("SELECT 1 FROM pg_catalog.pg_extension WHERE extname = 'citus'")
    return cursor.fetchone() is not None


def citus_active(*, wrapper: BaseDatabaseWrapper | None = None) -> bool:
    """Whether the default database (or `wrapper`'s) is a Citus coordinator, looked up once per process."""
    wrapper = wrapper or connection
    params = wrapper.settings_dict
    key = (str(params.get("NAME")), str(params.get("HOST") or ""), str(params.get("PORT") or ""))
    if key not in _detected:
        with wrapper.cursor() as cursor:
            _detected[key] = citus_installed(cursor)
    return _detected[key]


def tenant_app_labels() -> set[str]:
    """Labels of the apps whose tables live in each tenant schema only (not also in public)."""
    shared = set(settings.SHARED_APPS)
    return {
        config.label
        for config in global_apps.get_app_configs()
        if config.name in settings.TENANT_APPS and config.name not in shared
    }


def foreign_key_targets(model: type[Model]) -> list[tuple[str, type[Model]]]:
    """(field name, referenced model) of each foreign key and one-to-one column of `model`."""
    return [
        (field.name, field.related_model)
        for field in model._meta.get_fields(include_hidden=True)
        if field.concrete
        and (field.many_to_one or field.one_to_one)
        and isinstance(field.related_model, type)
    ]


# Public models that tenant-side queries join or correlate with tenant tables: the principal of a session
# (its membership, role codes and MFA flag, tenant_apps/sessions) and of an API key (its creator's, apikeys).
# Citus runs such a query on the tenant's worker only if these tables are there too; a coordinator-only one
# fails with "direct joins between distributed and local tables are not supported".
JOINED_BY_TENANT_QUERIES = frozenset(
    {
        "accounts.membership",
        "rbac.roleassignment",
        "rbac.role",
        "rbac.role_permissions",
        "rbac.permission",
        "mfa.totpdevice",
    }
)


def reference_table_names(models: Iterable[type[Model]], tenant_labels: set[str]) -> list[str]:
    """Public tables to copy to every node, the referenced first: those that tenant tables reference or
    tenant queries join (JOINED_BY_TENANT_QUERIES), then those they reference in turn (a reference table may
    only reference reference tables).

    `models` may come from a migration's historical registry (with its auto-created through models): only
    table names, labels and foreign keys are read."""
    models = list(models)
    roots = [
        target
        for model in models
        if model._meta.app_label in tenant_labels
        for _, target in foreign_key_targets(model)
        if target._meta.app_label not in tenant_labels
    ] + [model for model in models if model._meta.label_lower in JOINED_BY_TENANT_QUERIES]
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(model: type[Model]) -> None:
        table = model._meta.db_table
        if table in seen:
            return
        seen.add(table)
        for _, target in foreign_key_targets(model):
            if target is not model:
                visit(target)
        ordered.append(table)

    for root in roots:
        visit(root)
    return ordered


def reference_tables_create(cursor: Any, tables: Sequence[str]) -> None:
    """Make `tables` (public, the referenced first) reference tables; those already distributed are left."""
    for table in tables:
        cursor.execute(
            "SELECT 1 FROM pg_dist_partition WHERE logicalrelid = %s::regclass AND partmethod = 'n' "
            "AND repmodel = 't'",
            [f'public."{table}"'],
        )
        if cursor.fetchone() is None:
            cursor.execute("SELECT create_reference_table(%s)", [f'public."{table}"'])


# Every sequence-backed column of the public tables that Citus manages (reference or coordinator-local).
_MANAGED_SEQUENCES_SQL = """
SELECT format('public.%I', c.relname), format('%I', a.attname), seq
FROM pg_dist_partition p
JOIN pg_class c ON c.oid = p.logicalrelid
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped,
LATERAL pg_get_serial_sequence(format('public.%I', c.relname), a.attname) AS seq
WHERE c.relnamespace = 'public'::regnamespace AND seq IS NOT NULL
"""


def sequences_realign(cursor: Any) -> None:
    """Move each managed public table's sequence past its highest value.

    Turning a table that already has rows into a Citus table (a reference table, or a coordinator table
    that Citus converts because a key ties it to one) gives it a fresh sequence that starts at 1 again: the
    next insert would collide with the rows seeded by earlier migrations."""
    cursor.execute(_MANAGED_SEQUENCES_SQL)
    for table, column, sequence in cursor.fetchall():
        cursor.execute(f"SELECT max({column}) FROM {table}")  # noqa: S608 - names quoted by format() above
        highest = cursor.fetchone()[0]
        if highest is not None:
            cursor.execute(
                f"SELECT setval(%s, GREATEST(%s, (SELECT last_value FROM {sequence})))",  # noqa: S608 - idem
                [sequence, highest],
            )


def _set_sharding(cursor: Any, value: str) -> str:
    """Set schema-based sharding for the rest of the transaction; returns the value it had."""
    cursor.execute("SELECT current_setting(%s), set_config(%s, %s, true)", [_SHARDING_SETTING] * 2 + [value])
    return str(cursor.fetchone()[0])


def local_schema_create(schema_name: str) -> None:
    """CREATE SCHEMA as a plain coordinator schema, whatever the sharding setting (the tenant template)."""
    with transaction.atomic(), connection.cursor() as cursor:
        if not citus_active():
            cursor.execute(f'CREATE SCHEMA "{schema_name}"')
            return
        previous = _set_sharding(cursor, "off")
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
        _set_sharding(cursor, previous)


def split_statements(sql: str) -> list[str]:
    """Top-level statements of a script (quotes, dollar quotes and comments respected)."""
    # Django's own PostgreSQL backend hands a script over whole, so its split is not used here.
    return [statement for statement in sqlparse.split(sql) if statement.strip(" ;\n")]


def sharded_schema_create(schema_name: str, statements: Sequence[str]) -> None:
    """Build `schema_name` from `statements` as a plain schema, then distribute it to a worker.

    One transaction (the caller's, if any): a failure leaves no schema on any node."""
    with transaction.atomic(), connection.cursor() as cursor:
        previous = _set_sharding(cursor, "off")
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("SELECT citus_schema_distribute(%s::regnamespace)", [f'"{schema_name}"'])
        _set_sharding(cursor, previous)
