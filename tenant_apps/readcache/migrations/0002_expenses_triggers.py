"""The expenses' tables tell the writing connection too (see 0001)."""

from django.db import migrations

from shared_apps.core import data_version

TABLES = ["expenses_costcentre", "expenses_expensecategory", "expenses_expense"]


class Migration(migrations.Migration):
    dependencies = [
        ("readcache", "0001_data_changed_triggers"),
        ("expenses", "0002_seed_centres_and_categories"),
    ]

    operations = [
        data_version.triggers_operation(
            [data_version.trigger_sql(table) for table in TABLES],
            [data_version.trigger_drop_sql(table) for table in TABLES],
        ),
    ]
