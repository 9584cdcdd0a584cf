"""PriceHistory becomes a view over the purchase facts: the loader no longer writes a row per price.

The view holds exactly what the table held (the loader derived each table row from the facts it had just
inserted, in the same statement), with the first fact's line as a stable id. Reversing recreates the table
as it was and fills it from the facts.
"""

from django.db import migrations

# Price points come from purchases only: a return repeats a price already paid.
PRICES_FROM_FACTS = """
SELECT {id}product_id, invoice_id, date_achat AS date, prix_unitaire
FROM {facts}
WHERE quantite_unitaire > 0
GROUP BY product_id, invoice_id, date_achat, prix_unitaire
"""


def _tables(apps):
    prices = apps.get_model("metro", "PriceHistory")
    return prices, apps.get_model("metro", "PurchaseFact")._meta.db_table


def table_to_view(apps, schema_editor):
    prices, facts = _tables(apps)
    schema_editor.delete_model(prices)
    select = PRICES_FROM_FACTS.format(id="MIN(line_id) AS id, ", facts=facts)
    schema_editor.execute(f"CREATE VIEW {prices._meta.db_table} AS {select}")


def view_to_table(apps, schema_editor):
    prices, facts = _tables(apps)
    table = prices._meta.db_table
    schema_editor.execute(f"DROP VIEW {table}")
    schema_editor.create_model(prices)
    select = PRICES_FROM_FACTS.format(id="", facts=facts)
    schema_editor.execute(
        f"INSERT INTO {table} (product_id, invoice_id, date, prix_unitaire) {select} "
        "ORDER BY MIN(line_id)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("metro", "0004_fact_keyed_by_line"),
    ]

    operations = [
        # First, so that both directions see the table's model (the state before the options change).
        migrations.RunPython(table_to_view, view_to_table),
        migrations.AlterModelOptions(
            name="pricehistory",
            options={"managed": False, "ordering": ["product", "date"]},
        ),
    ]
