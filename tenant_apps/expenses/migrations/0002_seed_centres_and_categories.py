"""Every tenant schema starts with the usual cost centres and expense categories (seeds.py)."""

from decimal import Decimal

from django.db import migrations

from tenant_apps.expenses.seeds import CATEGORIES, CENTRES


def seed(apps, schema_editor):
    CostCentre = apps.get_model("expenses", "CostCentre")
    Category = apps.get_model("expenses", "ExpenseCategory")
    centres = {}
    for name, kind, is_purchases in CENTRES:
        centres[name], _ = CostCentre.objects.get_or_create(
            name=name, defaults={"kind": kind, "is_purchases": is_purchases}
        )
    for name, vat_rate, centre in CATEGORIES:
        Category.objects.get_or_create(
            name=name, defaults={"default_vat_rate": Decimal(vat_rate), "default_centre": centres[centre]}
        )


def unseed(apps, schema_editor):
    names = [name for name, _, _ in CATEGORIES]
    apps.get_model("expenses", "ExpenseCategory").objects.filter(name__in=names, expenses__isnull=True).delete()
    centres = [name for name, _, _ in CENTRES]
    apps.get_model("expenses", "CostCentre").objects.filter(
        name__in=centres, expenses__isnull=True, categories__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("expenses", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
