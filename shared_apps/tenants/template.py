"""The migrated template schema that new tenants are copied from, and the SQL script that copies it.

Why not django-tenants' stock clone: its PL/pgSQL `clone_schema` walks the catalogue per object and slows as
schemas accumulate (0.36 s at 200 schemas, 0.54 s at 1,000 here), and its `create_schema` then *fakes* every
migration on the clone, so a template that is behind records migrations on the clone that never ran there.
Here the template is first brought to the latest migration, then dumped once (schema + its few rows, as
INSERTs) with pg_dump; each new tenant replays that script under its own name in one transaction. The
script is cached per process and rebuilt whenever the template's applied migrations change. Where pg_dump is
missing or cannot read the server (a major-version mismatch), the stock clone of the up-to-date template is
used instead: slower, still correct. On a Citus coordinator the script is replayed one statement at a time
and the schema then distributed to a worker (citus.py); the template itself stays a plain coordinator schema.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.clone import CloneSchema
from django_tenants.utils import schema_context, schema_exists

from . import citus
from .db import use_public_schema

logger = logging.getLogger(__name__)

# Serialises template maintenance across processes (any constant that no other code uses).
_TEMPLATE_LOCK_KEY = 0x6D617373  # "mass"
_lock = threading.Lock()


@dataclass(frozen=True)
class TemplateScript:
    state: str  # a digest of the template's applied migrations
    sql: str  # statements with the placeholder schema name
    # The same script split into its top-level statements, made on first use (Citus only).
    _statements: list[str] = field(default_factory=list, compare=False)

    def statements(self) -> list[str]:
        if not self._statements:
            self._statements.extend(citus.split_statements(self.sql))
        return self._statements


_cached: TemplateScript | None = None
_PLACEHOLDER = "__massacorp_new_schema__"


def template_schema() -> str:
    return str(settings.TENANT_TEMPLATE_SCHEMA)


def _pending_template_migrations() -> list[str]:
    """Tenant-app migrations not yet applied to the template (empty when it is current)."""
    with schema_context(template_schema()):
        executor = MigrationExecutor(connection)
        targets = executor.loader.graph.leaf_nodes()
        plan = executor.migration_plan(targets)
        return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan if not backwards]


def _applied_state() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT app, name FROM "{template_schema()}".django_migrations ORDER BY app, name'  # noqa: S608
        )
        rows = cursor.fetchall()
    return hashlib.sha256(repr(rows).encode()).hexdigest()


# The applied-migrations digest last found complete: migration files cannot change under a running
# process, so while the template's recorded state is the same, it is still current (one query, not a
# rebuild of the migration graph on every provisioning).
_verified_state: str | None = None


def template_is_current() -> bool:
    global _verified_state
    if not schema_exists(template_schema()):
        return False
    state = _applied_state()
    if state == _verified_state:
        return True
    # Apps that are only SHARED never touch the template; the router makes them no-ops in the plan.
    current = not _pending_template_migrations()
    _verified_state = state if current else None
    return current


def ensure_template_current(*, verbosity: int = 0) -> bool:
    """Create or migrate the template so that a copy never records a migration it did not run.

    Returns whether it had to migrate."""
    with _lock:
        if template_is_current():
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_TEMPLATE_LOCK_KEY])
        try:
            if not schema_exists(template_schema()):
                citus.local_schema_create(template_schema())
            call_command(
                "migrate_schemas",
                tenant=True,
                schema_name=template_schema(),
                interactive=False,
                verbosity=verbosity,
            )
        finally:
            use_public_schema()
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_TEMPLATE_LOCK_KEY])
        return True


def _pg_dump_command() -> list[str] | None:
    binary = shutil.which("pg_dump")
    if binary is None:
        return None
    db = settings.DATABASES["default"]
    # Schema and rows (django_migrations, seeded data) as plain INSERTs, so one execute() replays it all.
    command = [
        binary,
        "--inserts",
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        f"--schema={template_schema()}",
        "--dbname",
        str(db["NAME"]),
    ]
    if db.get("HOST"):
        command += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", str(db["USER"])]
    return command


_SKIP_LINE = re.compile(r"^(SET |SELECT pg_catalog\.set_config|--|\\)")


def _dump_template() -> str | None:
    command = _pg_dump_command()
    if command is None:
        return None
    environ = dict(os.environ)
    password = settings.DATABASES["default"].get("PASSWORD")
    if password:
        environ["PGPASSWORD"] = str(password)
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        value = settings.DATABASES["default"].get("OPTIONS", {}).get(key)
        if value:
            environ[f"PG{key.upper()}"] = str(value)
    result = subprocess.run(command, capture_output=True, text=True, env=environ, timeout=60, check=False)  # noqa: S603 - fixed argv, no shell
    if result.returncode != 0:
        logger.warning(
            "pg_dump of the tenant template failed; using the slower clone: %s", result.stderr.strip()
        )
        return None
    lines = [line for line in result.stdout.splitlines() if line.strip() and not _SKIP_LINE.match(line)]
    script = "\n".join(lines)
    # pg_dump qualifies every object with the schema: rename it, and only where it stands as a name.
    name = re.escape(template_schema())
    script = re.sub(rf'(?<![\w"]){name}(?=\.)|(?<=CREATE SCHEMA ){name}(?=;)', _PLACEHOLDER, script)
    return script


def template_script() -> TemplateScript | None:
    """The replayable script of the current template, from the cache when the template has not changed."""
    global _cached
    state = _applied_state()
    if _cached is None or _cached.state != state:
        sql = _dump_template()
        _cached = TemplateScript(state=state, sql=sql) if sql else None
    return _cached


def copy_template_into(schema_name: str) -> None:
    """Create `schema_name` as a copy of the current template, inside the caller's transaction."""
    script = template_script()
    sharded = citus.citus_active()
    if script is None and sharded:
        # The stock clone would leave the tables on the coordinator under a schema Citus counts as sharded.
        raise ImproperlyConfigured("provisioning on Citus needs a pg_dump that can read the server")
    if script is None:
        CloneSchema().clone_schema(template_schema(), schema_name, "DATA", set_connection=True)
        return
    quoted = f'"{schema_name}"'
    if sharded:
        citus.sharded_schema_create(
            schema_name, [statement.replace(_PLACEHOLDER, quoted) for statement in script.statements()]
        )
        return
    with connection.cursor() as cursor:
        cursor.execute(script.sql.replace(_PLACEHOLDER, quoted))


def forget_cached_script() -> None:
    global _cached
    _cached = None
