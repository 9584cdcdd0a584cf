"""No foreign key runs from public to a tenant table nor between tenants: model graph and catalogue."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test.utils import isolate_apps

from shared_apps.tenants.checks import cross_schema_foreign_keys, foreign_key_problems
from shared_apps.tenants.citus import citus_active, reference_table_names, tenant_app_labels
from shared_apps.tenants.models import Tenant


def test_project_model_graph_has_no_key_from_public_to_a_tenant() -> None:
    assert foreign_key_problems(apps.get_models(include_auto_created=True), tenant_app_labels()) == []
    call_command("check", "--fail-level", "ERROR")  # the registered check runs with the others


@isolate_apps("shared_apps.accounts", "tenant_apps.metro")
def test_check_reports_a_key_from_public_to_a_tenant_table() -> None:
    class Shelf(models.Model):
        class Meta:
            app_label = "metro"

    class Audit(models.Model):
        shelf = models.ForeignKey(Shelf, on_delete=models.CASCADE, related_name="+")

        class Meta:
            app_label = "accounts"

    class Tagged(models.Model):
        shelves = models.ManyToManyField(Shelf, related_name="+")

        class Meta:
            app_label = "accounts"

    through = Tagged._meta.get_field("shelves").remote_field.through
    assert isinstance(through, type)
    errors = foreign_key_problems([Shelf, Audit, Tagged, through], {"metro"})
    assert [(error.id, error.obj) for error in errors] == [("tenants.E001", Audit), ("tenants.E001", through)]
    assert "accounts.Audit.shelf" in errors[0].msg


@isolate_apps("tenant_apps.metro")
def test_check_reports_a_table_that_names_another_schema() -> None:
    class Elsewhere(models.Model):
        class Meta:
            app_label = "metro"
            db_table = '"beta"."metro_product"'

    assert [error.id for error in foreign_key_problems([Elsewhere], {"metro"})] == ["tenants.E002"]


def test_reference_tables_are_what_tenants_reference_or_join_and_their_own_targets_first() -> None:
    tables = reference_table_names(apps.get_models(include_auto_created=True), tenant_app_labels())
    assert {"accounts_user", "accounts_membership", "rbac_role_permissions", "mfa_totpdevice"} <= set(tables)
    assert tables.index("tenants_tenant") < tables.index("accounts_membership")
    assert tables.index("rbac_permission") < tables.index("rbac_role_permissions")
    assert not any(
        table.startswith(("metro_", "catalog_", "apikeys_", "user_sessions_", "audit_")) for table in tables
    )


@pytest.mark.django_db
def test_catalogue_has_no_key_from_public_to_a_tenant_or_between_tenants() -> None:
    assert Tenant.objects.filter(slug__in=["alpha", "beta"]).count() == 2  # two tenant schemas to compare
    with connection.cursor() as cursor:
        assert cross_schema_foreign_keys(cursor) == []


@pytest.mark.django_db
def test_catalogue_query_reports_a_key_between_tenants_and_one_from_public() -> None:
    if citus_active():
        pytest.skip("Citus refuses such keys itself (test_citus.py)")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            'ALTER TABLE "alpha".apikeys_apikey ADD CONSTRAINT cross_tenant '
            'FOREIGN KEY (id) REFERENCES "beta".apikeys_apikey (id) NOT VALID'
        )
        cursor.execute(
            'CREATE TABLE public.boundary_probe (key_id uuid REFERENCES "alpha".apikeys_apikey (id))'
        )
        found = {(row[0], row[2], row[3]) for row in cross_schema_foreign_keys(cursor)}
        transaction.set_rollback(True)
    assert found == {
        ("alpha", "cross_tenant", "beta"),
        ("public", "boundary_probe_key_id_fkey", "alpha"),
    }
