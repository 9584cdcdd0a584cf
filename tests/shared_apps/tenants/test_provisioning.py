"""create_tenant, delete_tenant, list_tenants: the service and its commands, good and bad input."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists

from shared_apps.core.exceptions import ApplicationError
from shared_apps.tenants import template
from shared_apps.tenants.models import Domain, Tenant
from shared_apps.tenants.services import tenant_create, tenant_delete

pytestmark = pytest.mark.django_db


def _tables(schema: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = %s "
            "ORDER BY table_name, column_name",
            [schema],
        )
        return cursor.fetchall()


def _migrations(schema: str) -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations ORDER BY app, name')  # noqa: S608
        return cursor.fetchall()


def _run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_create_tenant_copies_the_template_exactly() -> None:
    tenant = tenant_create(slug="gamma", name="Gamma Café", domain="gamma.testserver")
    assert tenant.schema_name == "gamma"
    assert schema_exists("gamma")
    assert Domain.objects.get(domain="gamma.testserver").tenant == tenant
    assert _tables("gamma") == _tables(template.template_schema())
    assert _migrations("gamma") == _migrations(template.template_schema())


def test_create_tenant_command_succeeds_with_hyphenated_slug() -> None:
    code, out, err = _run(
        "create_tenant", "--slug", "le-petit-bistro", "--name", "Le Petit", "--domain", "lpb.testserver"
    )
    assert (code, err) == (0, "")
    assert "le-petit-bistro" in out
    assert schema_exists("le_petit_bistro")


BAD_INPUT = [
    (["--slug", "alpha", "--name", "Again", "--domain", "other.testserver"], "duplicate_slug"),
    (["--slug", "newone", "--name", "Dup domain", "--domain", "alpha.testserver"], "duplicate_domain"),
    (["--slug", "Bad_Slug", "--name", "x", "--domain", "b1.testserver"], "invalid_slug"),
    (["--slug", "1abc", "--name", "x", "--domain", "b2.testserver"], "invalid_slug"),
    (["--slug", "a", "--name", "x", "--domain", "b3.testserver"], "invalid_slug"),
    (["--slug", "x" * 41, "--name", "x", "--domain", "b4.testserver"], "invalid_slug"),
    (["--slug", "drop;table", "--name", "x", "--domain", "b5.testserver"], "invalid_slug"),
    (["--slug", "public", "--name", "x", "--domain", "b6.testserver"], "invalid_slug"),
    (["--slug", "information-schema", "--name", "x", "--domain", "b7.testserver"], "invalid_slug"),
    (["--slug", "pg-catalog", "--name", "x", "--domain", "b8.testserver"], "invalid_slug"),
    (["--slug", "tenant-template", "--name", "x", "--domain", "b9.testserver"], "invalid_slug"),
    (["--slug", "okslug", "--name", "x", "--domain", "not a host"], "invalid_domain"),
    (["--slug", "okslug", "--name", " ", "--domain", "b10.testserver"], "invalid_name"),
]


@pytest.mark.parametrize(("args", "code"), BAD_INPUT, ids=[c for _, c in BAD_INPUT])
def test_create_tenant_bad_input_exits_2_with_one_line_and_leaves_nothing(args: list[str], code: str) -> None:
    schemas_before = _schemas()
    tenants_before = Tenant.objects.count()
    domains_before = Domain.objects.count()
    exit_code, _out, err = _run("create_tenant", *args)
    assert exit_code == 2
    assert err.count("\n") == 1, err
    assert f"[{code}]" in err
    assert _schemas() == schemas_before
    assert (Tenant.objects.count(), Domain.objects.count()) == (tenants_before, domains_before)


def _schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cursor.fetchall()}


def test_a_failure_while_copying_leaves_no_schema_and_no_row(monkeypatch: pytest.MonkeyPatch) -> None:
    real_copy = template.copy_template_into

    def copy_then_fail(schema_name: str) -> None:
        real_copy(schema_name)
        assert schema_exists(schema_name)  # the copy happened, inside the transaction
        raise ApplicationError("disk full", code="injected")

    monkeypatch.setattr(template, "copy_template_into", copy_then_fail)
    with pytest.raises(ApplicationError):
        tenant_create(slug="doomed", name="Doomed", domain="doomed.testserver")
    assert not schema_exists("doomed")
    assert not Tenant.objects.filter(slug="doomed").exists()
    assert not Domain.objects.filter(domain="doomed.testserver").exists()


def test_an_orphan_schema_of_the_same_name_is_refused_not_reused() -> None:
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "orphan"')
    with pytest.raises(ApplicationError) as error:
        tenant_create(slug="orphan", name="Orphan", domain="orphan.testserver")
    assert error.value.code == "duplicate_schema"
    assert not Tenant.objects.filter(slug="orphan").exists()


def test_delete_tenant_drops_schema_row_and_domains() -> None:
    tenant_create(slug="shortlived", name="Short", domain="short.testserver")
    code, _out, _err = _run("delete_tenant", "--slug", "shortlived", "--yes")
    assert code == 0
    assert not schema_exists("shortlived")
    assert not Tenant.objects.filter(slug="shortlived").exists()
    assert not Domain.objects.filter(domain="short.testserver").exists()


def test_delete_tenant_requires_yes() -> None:
    code, _out, err = _run("delete_tenant", "--slug", "alpha")
    assert code == 2
    assert "[confirmation_required]" in err
    assert schema_exists("alpha")


def test_delete_unknown_tenant_exits_2() -> None:
    code, _out, err = _run("delete_tenant", "--slug", "nosuch", "--yes")
    assert code == 2
    assert "[tenant_not_found]" in err


def test_tenant_delete_service_raises_not_found() -> None:
    with pytest.raises(ApplicationError):
        tenant_delete(slug="nosuch")


def test_list_tenants_shows_slug_schema_state_and_domain() -> None:
    _code, out, _err = _run("list_tenants")
    rows = [line.split("\t") for line in out.splitlines()]
    assert ["alpha", "alpha", "active", "alpha.testserver", "Alpha Bistro"] in rows
    assert ["beta", "beta", "active", "beta.testserver", "Beta Épicerie"] in rows


# --- the stale-template trap -------------------------------------------------------------------------------
# This test commits (pg_dump reads the template from another connection, so it must see committed state):
# it runs outside the per-test transaction and cleans up after itself.


@pytest.fixture
def stale_template(django_db_blocker: object) -> Iterator[None]:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        call_command(
            "migrate_schemas", "contenttypes", "0001", schema_name=template.template_schema(), verbosity=0
        )
        assert not template.template_is_current()
        try:
            yield
        finally:
            if Tenant.objects.filter(slug="after-stale").exists():
                tenant_delete(slug="after-stale")
            template.ensure_template_current()


@pytest.mark.django_db(transaction=False)
def test_a_stale_template_is_migrated_before_it_is_copied(
    stale_template: None, django_db_blocker: object
) -> None:
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        tenant_create(slug="after-stale", name="After", domain="after-stale.testserver")
        assert template.template_is_current()
        recorded = _migrations("after_stale")
        assert ("contenttypes", "0002_remove_content_type_name") in recorded
        # What is recorded really ran: 0002 dropped the `name` column, so the copy has none.
        columns = [column for table, column in _tables("after_stale") if table == "django_content_type"]
        assert "name" not in columns


def test_deleting_a_tenant_with_audit_history_keeps_a_tombstone() -> None:
    from shared_apps.accounts.models import Membership
    from shared_apps.audit.models import AuditEvent
    from shared_apps.audit.services import audit_record
    from tests.factories.accounts import make_member

    tenant = tenant_create(slug="audited", name="Audited", domain="audited.testserver")
    member = make_member(tenant=tenant)
    audit_record(event_type="login_succeeded", tenant=tenant, user=member.user)
    code, _out, err = _run("delete_tenant", "--slug", "audited", "--yes")
    assert (code, err) == (0, "")
    assert not schema_exists("audited")
    tombstone = Tenant.objects.get(slug="audited")
    assert tombstone.deleted_at is not None
    assert not tombstone.is_active
    assert not Domain.objects.filter(tenant=tombstone).exists()
    assert not Membership.objects.filter(tenant=tombstone).exists()
    assert AuditEvent.objects.filter(tenant=tombstone).count() == 1
    _code, out, _err = _run("list_tenants")
    assert "audited\taudited\tdeleted" in out
    code, _out, err = _run(
        "create_tenant", "--slug", "audited", "--name", "Again", "--domain", "again.testserver"
    )
    assert code == 2
    assert "deleted tenant" in err
