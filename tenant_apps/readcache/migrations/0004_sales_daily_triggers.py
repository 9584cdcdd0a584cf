"""The till's sales per day tell the writing connection too (see 0001)."""

from django.db import migrations

from shared_apps.core import data_version

TABLES = ["sales_dailysales", "sales_dailysalesstate"]


class Migration(migrations.Migration):
    dependencies = [
        ("readcache", "0003_accounting_triggers"),
        ("sales", "0003_daily_sales"),
    ]

    operations = [
        data_version.triggers_operation(
            [data_version.trigger_sql(table) for table in TABLES],
            [data_version.trigger_drop_sql(table) for table in TABLES],
        ),
    ]
