from django.db import migrations


def _write_schema_name(apps, schema_editor):
    # Through the historical model, on the migration's connection: proves RunPython ran in each schema.
    probe = apps.get_model("apikeys", "DeployProbe")
    probe.objects.using(schema_editor.connection.alias).create(schema=schema_editor.connection.schema_name)


class Migration(migrations.Migration):
    dependencies = [("apikeys", "9001_deploy_probe")]

    operations = [migrations.RunPython(_write_schema_name, migrations.RunPython.noop)]
