from django.db import migrations, models

from . import REAL_LEAF


class Migration(migrations.Migration):
    dependencies = [("apikeys", REAL_LEAF)]

    operations = [
        migrations.CreateModel(
            name="DeployProbe",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("schema", models.CharField(max_length=63, unique=True)),
                ("note", models.CharField(max_length=20, default="", db_index=True)),
            ],
        ),
    ]
