"""Which tenant schemas exist and what each has recorded: one catalogue query, then their django_migrations
tables read together, a chunk of schemas per statement.

Django's own way asks, per schema, whether django_migrations exists by listing every table visible on the
search path (four listings of pg_class per schema, ~48 ms each at 1,000 tenants) and then reads it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_exists

from ..models import Tenant
from .plan import MigrationKey

# Each schema read in one statement holds a lock on its table and index until the statement ends: stay
# well inside the lock table (max_locks_per_transaction x max_connections, 6,400 by default).
SCHEMAS_PER_READ = 250


@dataclass(frozen=True)
class SchemaRecord:
    schema: str
    exists: bool
    has_table: bool  # django_migrations
    recorded: frozenset[MigrationKey]


def tenant_schema_names(*, only: Iterable[str] = ()) -> list[str]:
    """Every tenant's schema (inactive ones too: they come back), and the template first when it exists."""
    wanted = set(only)
    live = Tenant.objects.filter(deleted_at__isnull=True).order_by("schema_name")
    names = list(live.values_list("schema_name", flat=True))
    template = str(settings.TENANT_TEMPLATE_SCHEMA)
    if schema_exists(template):
        names.insert(0, template)
    return [name for name in names if not wanted or name in wanted]


def schema_records(schemas: list[str]) -> list[SchemaRecord]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.name, n.oid IS NOT NULL, c.oid IS NOT NULL "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS s(name, position) "
            "LEFT JOIN pg_namespace n ON n.nspname = s.name "
            "LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'django_migrations' "
            "AND c.relkind IN ('r', 'p') ORDER BY s.position",
            [schemas],
        )
        found = cursor.fetchall()
    readable = [name for name, _exists, has_table in found if has_table]
    recorded = _recorded(readable)
    return [
        SchemaRecord(name, exists, has_table, frozenset(recorded.get(name, ())))
        for name, exists, has_table in found
    ]


def _recorded(schemas: list[str]) -> dict[str, set[MigrationKey]]:
    recorded: dict[str, set[MigrationKey]] = {name: set() for name in schemas}
    quote = connection.ops.quote_name
    for start in range(0, len(schemas), SCHEMAS_PER_READ):
        chunk = schemas[start : start + SCHEMAS_PER_READ]
        query = " UNION ALL ".join(
            f"SELECT %s::text, app, name FROM {quote(name)}.django_migrations"  # noqa: S608 - quoted names
            for name in chunk
        )
        with connection.cursor() as cursor:
            cursor.execute(query, chunk)
            for schema, app, name in cursor.fetchall():
                recorded[schema].add((app, name))
    return recorded
