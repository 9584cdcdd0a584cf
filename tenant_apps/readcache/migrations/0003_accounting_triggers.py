"""The accounting tables tell the writing connection too (see 0001)."""

from django.db import migrations

from shared_apps.core import data_version

TABLES = ["accounting_ledgeraccount"]


class Migration(migrations.Migration):
    dependencies = [
        ("readcache", "0002_expenses_triggers"),
        ("accounting", "0001_initial"),
    ]

    operations = [
        data_version.triggers_operation(
            [data_version.trigger_sql(table) for table in TABLES],
            [data_version.trigger_drop_sql(table) for table in TABLES],
        ),
    ]
