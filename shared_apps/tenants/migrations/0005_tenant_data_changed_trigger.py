"""A tenant's settings (overstock threshold, time zone…) are part of what its cached reads answer: a change
of its row tells the writing connection, like a business table's trigger (shared_apps.core.data_version)."""

from django.db import migrations

from shared_apps.core import data_version

FUNCTION = f"""
CREATE OR REPLACE FUNCTION tenant_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE NOTICE '{data_version.NOTICE_PREFIX}%', OLD.schema_name;
    ELSE
        RAISE NOTICE '{data_version.NOTICE_PREFIX}%', NEW.schema_name;
    END IF;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("tenants", "0004_citus_reference_tables")]

    operations = [
        data_version.triggers_operation(
            [
                FUNCTION,
                f"CREATE TRIGGER {data_version.TRIGGER_NAME} AFTER UPDATE OR DELETE ON tenants_tenant "
                "FOR EACH ROW EXECUTE FUNCTION tenant_data_changed();",
            ],
            [
                f"DROP TRIGGER IF EXISTS {data_version.TRIGGER_NAME} ON tenants_tenant;",
                "DROP FUNCTION IF EXISTS tenant_data_changed();",
            ],
        ),
    ]
