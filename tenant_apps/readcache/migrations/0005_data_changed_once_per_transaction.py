"""The data-changed trigger function tells the writing connection once per transaction and schema
(shared_apps.core.data_version.TRIGGER_FUNCTION_SQL): a METRO invoice's one statement used to send ~9
notices, each a socket write of the server and a wake-up of the client. The triggers stay as they are;
reversing restores the function that notifies at every statement."""

from django.db import migrations

from shared_apps.core import data_version

# The previous form, as migration 0001 created it (frozen here: data_version now holds the new one).
PREVIOUS_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE NOTICE '{data_version.NOTICE_PREFIX}%', TG_TABLE_SCHEMA;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("readcache", "0004_sales_daily_triggers")]

    operations = [
        data_version.triggers_operation([data_version.TRIGGER_FUNCTION_SQL], [PREVIOUS_FUNCTION_SQL]),
    ]
