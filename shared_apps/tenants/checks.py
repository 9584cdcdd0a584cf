"""Foreign keys stay inside one tenant's schema or point from it to public: never from public to a tenant,
never from one tenant to another.

A key from public to a tenant table would resolve against whichever tenant the search_path names, and Citus
refuses it (or, for some kinds, enforces it on one node only). Two views of the same rule: the model graph
(a system check, run by `manage.py check` and at every start) and the live catalogue (what migrations and
hand-written SQL actually built), which the tests read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error, Tags, register
from django.db.models import Model

from .citus import foreign_key_targets, tenant_app_labels


def foreign_key_problems(models: Iterable[type[Model]], tenant_labels: set[str]) -> list[Error]:
    """Every relation of `models` that leaves public for a tenant table, or names another schema."""
    errors: list[Error] = []
    for model in models:
        if "." in model._meta.db_table:
            errors.append(
                Error(
                    f"{model._meta.label} names a schema in its db_table {model._meta.db_table!r}",
                    hint="A table lives in the schema its app's registry (SHARED_APPS/TENANT_APPS) gives it.",
                    obj=model,
                    id="tenants.E002",
                )
            )
        if model._meta.app_label in tenant_labels:
            continue
        for name, target in foreign_key_targets(model):
            if target._meta.app_label in tenant_labels:
                errors.append(
                    Error(
                        f"{model._meta.label}.{name} points from the public schema to the tenant table "
                        f"{target._meta.label}",
                        hint="Keep the reference on the tenant side (tenant → public), or store a plain id.",
                        obj=model,
                        id="tenants.E001",
                    )
                )
    return errors


@register(Tags.models)
def foreign_keys_stay_in_their_schema(
    app_configs: Sequence[Any] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    models = apps.get_models(include_auto_created=True)
    return list(foreign_key_problems(models, tenant_app_labels()))


# Constraints whose table and referenced table are in different schemas, except tenant → public.
CROSS_SCHEMA_FOREIGN_KEYS_SQL = """
SELECT src_ns.nspname, src.relname, c.conname, dst_ns.nspname, dst.relname
FROM pg_catalog.pg_constraint c
JOIN pg_catalog.pg_class src ON src.oid = c.conrelid
JOIN pg_catalog.pg_namespace src_ns ON src_ns.oid = src.relnamespace
JOIN pg_catalog.pg_class dst ON dst.oid = c.confrelid
JOIN pg_catalog.pg_namespace dst_ns ON dst_ns.oid = dst.relnamespace
WHERE c.contype = 'f' AND src_ns.oid <> dst_ns.oid AND dst_ns.nspname <> 'public'
ORDER BY 1, 2, 3
"""


def cross_schema_foreign_keys(cursor: Any) -> list[tuple[str, str, str, str, str]]:
    """(schema, table, constraint, referenced schema, referenced table) of every forbidden key."""
    cursor.execute(CROSS_SCHEMA_FOREIGN_KEYS_SQL)
    return [tuple(row) for row in cursor.fetchall()]
