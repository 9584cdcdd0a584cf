"""Sales routes now require sales:read / sales:write instead of metro:read / metro:write: a key that held
the metro scope keeps what it could do (rbac migration 0003 does the same for roles). `*` needs nothing."""

from django.db import migrations

CARRIED = {"metro:read": "sales:read", "metro:write": "sales:write"}


def forward(apps, schema_editor):
    ApiKey = apps.get_model("apikeys", "ApiKey")
    for key in ApiKey.objects.all():
        added = [new for old, new in CARRIED.items() if old in key.scopes and new not in key.scopes]
        if added:
            key.scopes = [*key.scopes, *added]
            key.save(update_fields=["scopes"])


def backward(apps, schema_editor):
    ApiKey = apps.get_model("apikeys", "ApiKey")
    for key in ApiKey.objects.all():
        kept = [scope for scope in key.scopes if scope not in CARRIED.values()]
        if kept != key.scopes:
            key.scopes = kept
            key.save(update_fields=["scopes"])


class Migration(migrations.Migration):
    dependencies = [("apikeys", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
