"""On a Citus coordinator, make the public tables that tenant tables reference, or tenant queries join,
reference tables.

A sharded tenant schema lives on one worker; its foreign keys to public tables (`accounts_user`) can only
be enforced there, and its queries can only join public tables (memberships, roles) there, if those tables
are copied to every node. On plain PostgreSQL this does nothing.

Unapplying leaves the tables as they are: Citus cannot turn them back (`undistribute_table` refuses the
identity columns of the coordinator tables keyed to them), and a reference table still serves as a plain one;
applying again finds them done."""

from typing import Any

from django.db import migrations

from shared_apps.tenants import citus


def _tables(apps: Any) -> list[str]:
    return citus.reference_table_names(apps.get_models(include_auto_created=True), citus.tenant_app_labels())


def make_reference_tables(apps: Any, schema_editor: Any) -> None:
    with schema_editor.connection.cursor() as cursor:
        if citus.citus_installed(cursor):
            citus.reference_tables_create(cursor, _tables(apps))
            citus.sequences_realign(cursor)


class Migration(migrations.Migration):
    dependencies = [
        ("tenants", "0003_routing_generation"),
        ("accounts", "0001_initial"),
        ("rbac", "0002_seed_system_roles"),
        ("mfa", "0001_initial"),
        # Every tenant app's models as they stand, so that all their foreign keys to public tables are seen.
        ("user_sessions", "0001_initial"),
        ("apikeys", "0001_initial"),
        ("catalog", "0002_english_names"),
        ("metro", "0009_english_names"),
    ]

    operations = [migrations.RunPython(make_reference_tables, migrations.RunPython.noop)]
