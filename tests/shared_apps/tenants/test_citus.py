"""On a Citus coordinator: tenants become sharded schemas on the workers, public tables they reference become
reference tables, the template stays on the coordinator.

Run with DATABASE_URL pointing at the coordinator and CITUS_DATABASE_URL set (the same server); the test
database must exist on every node with the citus extension and the workers added (docs/scaling.md), and is
then reused: `pytest --reuse-db tests/shared_apps/tenants/test_citus.py`.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest
from django.apps import apps
from django.db import NotSupportedError, connection, transaction
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import User
from shared_apps.core import data_version
from shared_apps.tenants import citus, template
from shared_apps.tenants.services import tenant_create, tenant_delete
from tenant_apps.sessions.models import UserSession

pytestmark = [
    pytest.mark.skipif(not os.environ.get("CITUS_DATABASE_URL"), reason="CITUS_DATABASE_URL is not set"),
    pytest.mark.django_db,
]


def _rows(sql: str, params: list[str] | None = None) -> list[tuple[object, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _tables(schema: str) -> set[str]:
    rows = _rows("SELECT tablename FROM pg_tables WHERE schemaname = %s", [schema])
    return {str(row[0]) for row in rows}


def _sharded_tables(schema: str) -> set[str]:
    """Tables of `schema` that Citus placed as single-shard tables of the schema's one colocation group."""
    rows = _rows(
        "SELECT p.logicalrelid::regclass::text FROM pg_dist_partition p "
        "JOIN pg_class c ON c.oid = p.logicalrelid JOIN pg_dist_schema s ON s.schemaid = c.relnamespace "
        "WHERE c.relnamespace = %s::regnamespace AND p.colocationid = s.colocationid AND p.partmethod = 'n'",
        [schema],
    )
    return {str(row[0]).rsplit(".", 1)[-1].strip('"') for row in rows}


def _worker_ports(schema: str) -> set[int]:
    rows = _rows(
        "SELECT DISTINCT n.nodeport FROM pg_dist_partition p JOIN pg_dist_shard s USING (logicalrelid) "
        "JOIN pg_dist_placement pl USING (shardid) JOIN pg_dist_node n USING (groupid) "
        "WHERE p.logicalrelid::regclass::text LIKE %s AND n.groupid <> 0",
        [f"{schema}.%"],
    )
    return {int(str(row[0])) for row in rows}


def test_database_is_a_citus_coordinator_with_workers() -> None:
    assert citus.citus_active()
    assert len(_rows("SELECT 1 FROM pg_dist_node WHERE groupid <> 0 AND isactive")) >= 1


def test_public_tables_that_tenants_reference_or_join_are_reference_tables() -> None:
    tables = citus.reference_table_names(
        apps.get_models(include_auto_created=True), citus.tenant_app_labels()
    )
    assert "accounts_user" in tables
    found = _rows(
        "SELECT c.relname FROM pg_dist_partition p JOIN pg_class c ON c.oid = p.logicalrelid "
        "WHERE c.relnamespace = 'public'::regnamespace AND p.repmodel = 't'"
    )
    assert {str(row[0]) for row in found} == set(tables)


def test_template_stays_a_plain_schema_on_the_coordinator() -> None:
    assert (
        _rows("SELECT 1 FROM pg_dist_schema WHERE schemaid = %s::regnamespace", [template.template_schema()])
        == []
    )


def test_new_tenant_is_one_sharded_schema_on_one_worker_with_every_table() -> None:
    tenant_create(slug="sharded", name="Sharded", domain="sharded.testserver")
    tables = _tables("sharded")
    assert tables == _tables(template.template_schema())
    assert _sharded_tables("sharded") == tables  # none left behind on the coordinator
    assert len(_worker_ports("sharded")) == 1


def test_tenant_rows_on_a_worker_reference_public_users() -> None:
    tenant = tenant_create(slug="served", name="Served", domain="served.testserver")
    user = User.objects.create(email="owner@served.example")
    now = timezone.now()
    with schema_context(tenant.schema_name):
        UserSession.objects.create(user=user, last_seen_at=now, idle_expires_at=now, absolute_expires_at=now)
        assert UserSession.objects.filter(user=user).count() == 1
    assert Client(HTTP_HOST="served.testserver").get("/api/v1/info").status_code == 200


def test_key_to_a_missing_user_is_refused_on_the_worker_at_commit() -> None:
    # Django's keys are deferred to the commit, and Citus does not forward SET CONSTRAINTS to the worker:
    # only a commit proves the check, so a connection of its own on a tenant of the session (alpha).
    params = connection.settings_dict
    with (
        psycopg.connect(
            dbname=params["NAME"],
            host=params["HOST"],
            port=params["PORT"],
            user=params["USER"],
            password=params["PASSWORD"] or None,
            autocommit=True,
        ) as raw,
        pytest.raises(psycopg.errors.Error, match=r"foreign key|could not commit"),
    ):
        raw.execute(
            "INSERT INTO alpha.user_sessions_usersession (id, user_id, created_at, last_seen_at, "
            "idle_expires_at, absolute_expires_at, revoke_reason, user_agent, device_type, browser, os, "
            "auth_methods) VALUES (%s, %s, now(), now(), now(), now(), '', '', '', '', '', '[]')",
            [uuid.uuid4(), uuid.uuid4()],
        )


def test_deleted_tenant_leaves_no_shard() -> None:
    tenant_create(slug="fleeting", name="Fleeting", domain="fleeting.testserver")
    tenant_delete(slug="fleeting")
    assert _rows("SELECT 1 FROM pg_namespace WHERE nspname = 'fleeting'") == []
    assert _worker_ports("fleeting") == set()


def test_citus_refuses_a_key_between_tenants() -> None:
    with (
        pytest.raises(NotSupportedError, match="foreign key"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            'ALTER TABLE "alpha".apikeys_apikey ADD CONSTRAINT cross_tenant '
            'FOREIGN KEY (id) REFERENCES "beta".apikeys_apikey (id)'
        )


def test_public_rows_seeded_before_citus_took_the_tables_keep_their_sequences_ahead() -> None:
    with connection.cursor() as cursor:
        cursor.execute(citus._MANAGED_SEQUENCES_SQL)
        managed = cursor.fetchall()
        assert any(table == "public.rbac_permission" for table, _, _ in managed)  # seeded by a migration
        for table, column, sequence in managed:
            cursor.execute(f"SELECT max({column}), (SELECT last_value FROM {sequence}) FROM {table}")  # noqa: S608
            highest, last_value = cursor.fetchone()
            assert highest is None or last_value >= highest, table


def test_no_data_changed_trigger_and_no_read_cache_token_on_citus() -> None:
    """Citus refuses triggers on reference tables (and on sharded ones without its unsafe-triggers
    setting): the read cache is off there, so every read is computed, never stale."""
    assert data_version.citus_database()
    assert data_version.current("alpha") is None
    assert _rows("SELECT 1 FROM pg_trigger WHERE tgname = %s", [data_version.TRIGGER_NAME]) == []
