"""Every business table of the tenant schema tells the writing connection that its data changed
(shared_apps.core.data_version). A table added later gets `data_version.trigger_sql(table)` in its own
app's migration; tests/tenant_apps/readcache/test_triggers.py fails until it does."""

from django.db import migrations

from shared_apps.core import data_version

TABLES = [
    "catalog_category",
    "catalog_classificationrule",
    "catalog_product",
    "catalog_pricealert",
    "stock_site",
    "stock_stockmovement",
    "stock_stockday",
    "stock_stockcount",
    "stock_stockcountline",
    "stock_stocklevel",
    "metro_importbatch",
    "metro_pendingfile",
    "metro_stageddocument",
    "metro_customeraccount",
    "metro_invoice",
    "metro_invoiceline",
    "metro_purchasefact",
    "sales_salesimport",
    "sales_pendingupload",
    "sales_order",
    "sales_orderline",
    "sales_orderpayment",
    "sales_dish",
    "sales_recipeline",
    "sales_tillestablishment",
]


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_taxonomy"),
        ("stock", "0004_sale_source"),
        ("metro", "0012_printed_total_backfill"),
        ("sales", "0001_initial"),
    ]

    operations = [
        data_version.triggers_operation(
            [data_version.TRIGGER_FUNCTION_SQL, *(data_version.trigger_sql(table) for table in TABLES)],
            [
                *(data_version.trigger_drop_sql(table) for table in TABLES),
                "DROP FUNCTION IF EXISTS data_changed();",
            ],
        ),
    ]
