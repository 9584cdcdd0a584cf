"""deploy_migrations: schemas behind get what they miss (SQL replayed, RunPython through Django), a failing
schema is reported while the others go on, a re-run resumes, a dry run lists and changes nothing.

Two probe migrations are added to the apikeys app for these tests only (deploy_probe/migrations). The
command migrates from several connections at once, so these tests commit: they create their own tenants
outside the per-test transaction and delete them afterwards.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import override_settings

from shared_apps.tenants.db import use_public_schema
from shared_apps.tenants.deploy.runner import DEPLOY_LOCK_KEY
from shared_apps.tenants.models import Tenant
from shared_apps.tenants.services import tenant_create, tenant_delete

PROBE_MODULES = {"apikeys": "tests.shared_apps.tenants.deploy_probe.migrations"}
PROBES = ["9001_deploy_probe", "9002_deploy_probe_rows"]
PROBE_LABELS = "apikeys.9001_deploy_probe, apikeys.9002_deploy_probe_rows"
SLUGS = ["deploy-a", "deploy-b", "deploy-c"]


@pytest.fixture
def schemas(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[str]]:
    with django_db_blocker.unblock():
        try:
            yield [
                tenant_create(slug=slug, name=slug, domain=f"{slug}.testserver").schema_name for slug in SLUGS
            ]
        finally:
            use_public_schema()
            for slug in SLUGS:
                if Tenant.objects.filter(slug=slug).exists():
                    tenant_delete(slug=slug)


def _deploy(schemas: list[str], *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    args = ["--skip-shared", "--no-progress", *(f"--schema={name}" for name in schemas), *extra]
    with override_settings(MIGRATION_MODULES=PROBE_MODULES):
        try:
            call_command("deploy_migrations", *args, stdout=out, stderr=err)
            code = 0
        except CommandError as error:
            err.write(str(error))
            code = 1
    use_public_schema()
    return code, out.getvalue(), err.getvalue()


def _query(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []


def _probes_recorded(schema: str) -> list[str]:
    rows = _query(f"SELECT name FROM \"{schema}\".django_migrations WHERE name LIKE '900%%' ORDER BY name")  # noqa: S608
    return [name for (name,) in rows]


def _probe_rows(schema: str) -> list[str]:
    return [name for (name,) in _query(f'SELECT schema FROM "{schema}".apikeys_deployprobe')]  # noqa: S608


def _probe_table_shape(schema: str) -> list[tuple[Any, ...]]:
    columns = _query(
        "SELECT column_name, data_type, is_nullable, character_maximum_length "  # noqa: S608
        f"FROM information_schema.columns WHERE table_schema = '{schema}' "
        "AND table_name = 'apikeys_deployprobe' ORDER BY column_name"
    )
    indexes = _query(
        f"SELECT indexname, replace(indexdef, '{schema}.', '') FROM pg_indexes "  # noqa: S608
        f"WHERE schemaname = '{schema}' AND tablename = 'apikeys_deployprobe' ORDER BY indexname"
    )
    return columns + indexes


def test_schemas_behind_get_the_migrations_and_their_records(schemas: list[str]) -> None:
    code, out, err = _deploy(schemas)
    assert code == 0, err
    assert "3 behind, 3 migrated" in out
    # The first schema ran both through Django; the others replayed 9001's SQL and ran 9002's RunPython.
    assert "(2 migrations replayed as SQL, 4 through Django)" in out
    for schema in schemas:
        assert _probes_recorded(schema) == PROBES
        assert _probe_rows(schema) == [schema]  # RunPython ran once, in that very schema


def test_a_replayed_schema_matches_one_migrated_by_migrate_schemas(schemas: list[str]) -> None:
    with override_settings(MIGRATION_MODULES=PROBE_MODULES):
        call_command("migrate_schemas", schema_name=schemas[0], interactive=False, verbosity=0)
    use_public_schema()
    code, out, err = _deploy(schemas)
    assert code == 0, err
    assert "2 behind, 2 migrated" in out
    assert _probe_table_shape(schemas[0]) == _probe_table_shape(schemas[1]) == _probe_table_shape(schemas[2])
    # Three columns; the primary key, the unique and the plain index, each of the last two with its LIKE twin.
    assert len(_probe_table_shape(schemas[2])) == 3 + 5


@pytest.mark.parametrize("failing", [0, 1], ids=["the-first-schema", "a-later-schema"])
def test_a_failing_schema_is_reported_and_the_others_are_migrated(schemas: list[str], failing: int) -> None:
    broken = schemas[failing]
    _query(f'CREATE TABLE "{broken}".apikeys_deployprobe (id int)')
    code, out, err = _deploy(schemas)
    assert code == 1
    assert f"FAILED {broken} at apikeys.9001_deploy_probe: ProgrammingError" in err
    assert "1 schema(s) failed" in err
    assert "3 behind, 2 migrated" in out
    assert _probes_recorded(broken) == []  # rolled back whole, 9002 not tried
    for schema in schemas:
        if schema != broken:
            assert _probes_recorded(schema) == PROBES
            assert _probe_rows(schema) == [schema]


def test_a_rerun_resumes_with_the_schemas_still_behind(schemas: list[str]) -> None:
    _query(f'CREATE TABLE "{schemas[1]}".apikeys_deployprobe (id int)')
    assert _deploy(schemas)[0] == 1
    _query(f'DROP TABLE "{schemas[1]}".apikeys_deployprobe')
    code, out, err = _deploy(schemas)
    assert code == 0, err
    assert "1 behind, 1 migrated" in out
    assert [_probe_rows(schema) for schema in schemas] == [[schema] for schema in schemas]
    code, out, _err = _deploy(schemas)
    assert (code, "0 behind, 0 migrated" in out) == (0, True)


def test_the_dry_run_lists_what_is_behind_and_changes_nothing(schemas: list[str]) -> None:
    _query(f"DELETE FROM \"{schemas[2]}\".django_migrations WHERE app = 'metro' AND name = '0001_initial'")  # noqa: S608
    code, out, _err = _deploy(schemas, "--dry-run")
    assert code == 0
    lines = out.splitlines()
    assert "tenant schemas: 3 looked at, 3 behind" in lines
    assert (
        "2 schema(s) missing 2 migration(s): apikeys.9001_deploy_probe, apikeys.9002_deploy_probe_rows"
        in lines
    )
    assert f"  {schemas[0]}" in lines
    assert f"  {schemas[1]}" in lines
    assert f"1 schema(s) missing 3 migration(s): {PROBE_LABELS}, metro.0001_initial" in lines
    assert f"  {schemas[2]}" in lines
    assert [_probes_recorded(schema) for schema in schemas] == [[], [], []]


def test_a_tenant_row_without_its_schema_is_reported(schemas: list[str]) -> None:
    _query(f'DROP SCHEMA "{schemas[0]}" CASCADE')
    code, _out, err = _deploy(schemas)
    assert code == 1
    assert f"FAILED {schemas[0]}: the schema does not exist" in err
    assert _probes_recorded(schemas[1]) == PROBES


def test_a_second_deploy_at_the_same_time_is_refused(schemas: list[str]) -> None:
    database = connection.settings_dict
    other = psycopg.connect(
        dbname=database["NAME"],
        host=database["HOST"],
        port=database["PORT"],
        user=database["USER"],
        password=database["PASSWORD"] or None,
        autocommit=True,
    )
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [DEPLOY_LOCK_KEY])  # a deploy in progress elsewhere
        code, _out, err = _deploy(schemas)
    finally:
        other.close()
    assert code == 1
    assert "another deploy is migrating the tenant schemas" in err
    assert _probes_recorded(schemas[0]) == []


def test_the_dry_run_lists_what_the_public_schema_misses(schemas: list[str]) -> None:
    out = io.StringIO()
    call_command("deploy_migrations", "--dry-run", f"--schema={schemas[0]}", stdout=out)
    assert "public: 0 pending" in out.getvalue().splitlines()
    out = io.StringIO()
    with override_settings(MIGRATION_MODULES=PROBE_MODULES):
        call_command("deploy_migrations", "--dry-run", f"--schema={schemas[0]}", stdout=out)
    use_public_schema()
    assert f"public: 2 pending: {PROBE_LABELS}" in out.getvalue().splitlines()
