"""Apply what each tenant schema is missing, schema by schema, over a few long-lived connections.

For each migration, the first schema that needs it runs it through Django itself (the migration's own
apply() with the connection's schema editor, as `migrate` does), and the SQL that the schema editor executed
there is kept. Every other schema then gets that SQL replayed, with the migration's row in its
django_migrations, in one transaction. That is sound because tenant schemas are copies of one template
brought forward by the same migrations: the SQL Django generates (constraint and index names included) is
the same in each. A migration with anything but schema operations (RunPython, third-party operations) runs
through Django in every schema, from a state rendered once. A schema that fails is rolled back, reported,
and left for the next run; the others go on.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tenants.utils import get_public_schema_name

from shared_apps.core.exceptions import Conflict

from ..db import use_public_schema, use_schema
from .catalogue import schema_records, tenant_schema_names
from .plan import MigrationKey, TenantPlan, label, tenant_plan

# Held for the whole run: two deploys at once would apply the same migration twice in a schema.
DEPLOY_LOCK_KEY = 0x6D636470  # any constant that no other code uses


@dataclass(frozen=True)
class Failure:
    schema: str
    migration: str
    error: str


@dataclass
class Pending:
    plan: TenantPlan
    behind: dict[str, tuple[MigrationKey, ...]]
    unusable: list[Failure]  # schemas that cannot be migrated here (missing, or no django_migrations)
    schemas: int  # schemas looked at


@dataclass
class DeployResult:
    pending: Pending
    migrated: list[str] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    replayed: int = 0  # migrations applied by replaying SQL, over all schemas
    through_django: int = 0  # migrations applied by Django's apply(), over all schemas


# Called after each schema: its name, its failure if any, and how many schemas this run migrates.
Progress = Callable[[str, Failure | None, int], None]


def public_migrations_pending() -> list[str]:
    """What `migrate_schemas --shared` would apply, read as the tenant schemas are (no catalogue listing).

    The public schema records every migration too (the router makes the tenant apps' no-ops there)."""
    use_public_schema()
    public = get_public_schema_name()
    (record,) = schema_records([public])
    if not record.has_table:  # a new database: Django's own migrate creates the table
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]
    return [label(key) for key in tenant_plan().missing(set(record.recorded))]


def tenant_migrations_pending(*, schemas: list[str] | None = None) -> Pending:
    """Which tenant schemas (and the template) are behind, and by what: a few queries for all of them."""
    use_public_schema()
    plan = tenant_plan()
    names = tenant_schema_names(only=schemas or ())
    behind: dict[str, tuple[MigrationKey, ...]] = {}
    unusable: list[Failure] = []
    for record in schema_records(names):
        if not record.exists:
            unusable.append(Failure(record.schema, "", "the schema does not exist"))
        elif not record.has_table:
            unusable.append(
                Failure(record.schema, "", "no django_migrations table: run migrate_schemas --schema for it")
            )
        else:
            missing = plan.missing(set(record.recorded))
            if missing:
                behind[record.schema] = missing
    return Pending(plan=plan, behind=behind, unusable=unusable, schemas=len(names))


def tenant_migrations_apply(
    *, schemas: list[str] | None = None, workers: int = 2, progress: Progress | None = None
) -> DeployResult:
    with _deploy_lock():
        pending = tenant_migrations_pending(schemas=schemas)
        result = DeployResult(pending=pending, failures=list(pending.unusable))
        if not pending.behind:
            return result
        everything = [key for key in pending.plan.order if any(key in m for m in pending.behind.values())]
        # Django's pre_migrate handlers adjust the plan's migrations (contenttypes adds its renames).
        plan = [(pending.plan.migration(key), False) for key in everything]
        emit_pre_migrate_signal(0, False, connection.alias, apps=global_apps, plan=plan)
        migrator = _SchemaMigrator(pending.plan, result)
        work = list(pending.behind.items())
        rest = _pilots(migrator, work, progress)
        use_public_schema()
        _in_parallel(migrator, rest, max(1, workers), progress)
        use_public_schema()
        return result


@contextlib.contextmanager
def _deploy_lock() -> Iterator[None]:
    use_public_schema()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [DEPLOY_LOCK_KEY])
        (locked,) = cursor.fetchone()
    if not locked:
        raise Conflict(
            "another deploy is migrating the tenant schemas; run again when it is done", code="deploy_running"
        )
    try:
        yield
    finally:
        use_public_schema()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [DEPLOY_LOCK_KEY])


Work = list[tuple[str, tuple[MigrationKey, ...]]]


def _pilots(migrator: _SchemaMigrator, work: Work, progress: Progress | None) -> Work:
    """Migrate, one at a time, the schemas that bring a migration whose SQL is not known yet; return the
    others. A pilot that fails leaves the migration unknown, so the next schema that needs it pilots."""
    rest: Work = []
    for schema, missing in work:
        unknown = [key for key in missing if migrator.plan.replayable(key) and key not in migrator.captured]
        if unknown:
            migrator.finish(schema, migrator.migrate(schema, missing), progress)
        else:
            rest.append((schema, missing))
    return rest


def _in_parallel(migrator: _SchemaMigrator, work: Work, workers: int, progress: Progress | None) -> None:
    queue = deque(work)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    schema, missing = queue.popleft()
                failure = migrator.migrate(schema, missing)
                with lock:
                    migrator.finish(schema, failure, progress)
        except BaseException as error:  # re-raised in the calling thread
            errors.append(error)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=run, name=f"deploy-{n}") for n in range(min(workers, len(work)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


class _SchemaMigrator:
    def __init__(self, plan: TenantPlan, result: DeployResult) -> None:
        self.plan = plan
        self.result = result
        self.captured: dict[MigrationKey, list[str]] = {}
        self._counts = threading.Lock()

    def finish(self, schema: str, failure: Failure | None, progress: Progress | None) -> None:
        if failure is None:
            self.result.migrated.append(schema)
        else:
            self.result.failures.append(failure)
        if progress is not None:
            progress(schema, failure, len(self.result.pending.behind))

    def migrate(self, schema: str, missing: tuple[MigrationKey, ...]) -> Failure | None:
        """Apply `missing` in order on this thread's connection; stop at the first failure."""
        use_schema(schema)
        for key in missing:
            try:
                replayed = key in self.captured
                if replayed:
                    self._replay(schema, key)
                else:
                    self._apply(schema, key, capture=self.plan.replayable(key))
            except Exception as error:
                _recover()
                return Failure(schema, label(key), f"{type(error).__name__}: {error}".strip())
            with self._counts:
                if replayed:
                    self.result.replayed += 1
                else:
                    self.result.through_django += 1
        if any(self.plan.changes_models(key) for key in missing):
            try:
                # What `migrate` does after its plan: content types for new models, in this schema.
                plan = [(self.plan.migration(key), False) for key in missing]
                emit_post_migrate_signal(0, False, connection.alias, apps=global_apps, plan=plan)
            except Exception as error:
                _recover()
                return Failure(schema, "post_migrate", f"{type(error).__name__}: {error}".strip())
        return None

    def _apply(self, schema: str, key: MigrationKey, *, capture: bool) -> None:
        migration = self.plan.migration(key)
        state = self.plan.state_before(key)
        statements: list[str] = []
        with connection.schema_editor(atomic=migration.atomic) as editor:
            if capture:
                _capture_into(editor, statements)
            migration.apply(state, editor)
            if migration.atomic:
                _record(schema, key)  # in the migration's transaction, before its deferred SQL
        if not migration.atomic:
            _record(schema, key)
        if capture:
            self.captured[key] = statements

    def _replay(self, schema: str, key: MigrationKey) -> None:
        atomic = self.plan.migration(key).atomic
        with transaction.atomic() if atomic else contextlib.nullcontext(), connection.cursor() as cursor:
            for statement in self.captured[key]:
                cursor.execute(statement)
            _record(schema, key)


def _capture_into(editor: Any, statements: list[str]) -> None:
    """Keep every statement the schema editor executes, as the server received it (parameters merged)."""
    execute = editor.execute
    compose = editor.connection.ops.compose_sql

    def recording(sql: Any, params: Any = ()) -> Any:
        statements.append(str(sql) if params is None else compose(str(sql), params))
        return execute(sql, params)

    editor.execute = recording


def _record(schema: str, key: MigrationKey) -> None:
    table = f"{connection.ops.quote_name(schema)}.django_migrations"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (app, name, applied) VALUES (%s, %s, %s)",  # noqa: S608 - quoted name
            [key[0], key[1], timezone.now()],
        )


def _recover() -> None:
    """After a failed schema: a broken connection is replaced, a live one is reused (already rolled back)."""
    if connection.connection is not None and not connection.is_usable():
        connection.close()
