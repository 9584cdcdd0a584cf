"""Products, categories and classification rules now belong to the catalog app (state only: the tables
are taken over as they are by catalog's first migration)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("metro", "0007_product_fillfactor"),
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="invoiceline",
                    name="product",
                    field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="catalog.product"),
                ),
                migrations.AlterField(
                    model_name="purchasefact",
                    name="product",
                    field=models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="facts", to="catalog.product"),
                ),
                migrations.AlterField(
                    model_name="pricehistory",
                    name="product",
                    field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name="prices", to="catalog.product"),
                ),
                migrations.DeleteModel(name="ClassificationRule"),
                migrations.DeleteModel(name="Product"),
                migrations.DeleteModel(name="Category"),
            ],
        ),
    ]
