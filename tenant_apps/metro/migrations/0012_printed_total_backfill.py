"""Documents printed without a VAT table (empty invoices, down-payment documents) report their printed total:
their gross total is their "Total à payer". Imports now store it; this fills the rows loaded before."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.db.models import F


def fill(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    invoice = apps.get_model("metro", "Invoice")
    invoice.objects.filter(total_gross__isnull=True, total_due__isnull=False).update(total_gross=F("total_due"))


class Migration(migrations.Migration):
    dependencies = [("metro", "0011_batch_lease")]

    # Reversing keeps the figures: they are the printed ones, right under either code.
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
