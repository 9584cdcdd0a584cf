"""The product master moves from the METRO app to this one; its tables stay where they are (state only).

The tables keep their names here (`metro_product`, …); the next migration renames them and their columns.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("metro", "0007_product_fillfactor"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Category',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('famille', models.CharField(max_length=64)),
                        ('categorie', models.CharField(max_length=64)),
                        ('sous_categorie', models.CharField(blank=True, max_length=64)),
                    ],
                    options={
                        'db_table': 'metro_category',
                        'constraints': [models.UniqueConstraint(fields=('famille', 'categorie', 'sous_categorie'), name='metro_category_unique')],
                    },
                ),
                migrations.CreateModel(
                    name='ClassificationRule',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('pattern', models.CharField(max_length=200)),
                        ('field', models.CharField(choices=[('designation', 'the product designation'), ('categorie_metro', "METRO's section name")], default='designation', max_length=16)),
                        ('priority', models.PositiveIntegerField(default=100)),
                        ('is_active', models.BooleanField(default=True)),
                        ('category', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rules', to='catalog.category')),
                    ],
                    options={
                        'db_table': 'metro_classificationrule',
                        'ordering': ['priority', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='Product',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('cle', models.CharField(max_length=24, unique=True)),
                        ('ean', models.CharField(blank=True, db_index=True, max_length=14)),
                        ('article_numero', models.CharField(db_index=True, max_length=7)),
                        ('designation', models.CharField(max_length=128)),
                        ('designation_normalisee', models.CharField(blank=True, max_length=128)),
                        ('marque', models.CharField(blank=True, max_length=64)),
                        ('volume_cl', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True)),
                        ('degre_alcool', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                        ('categorie_metro', models.CharField(blank=True, max_length=64)),
                        ('famille', models.CharField(blank=True, max_length=64)),
                        ('categorie', models.CharField(blank=True, max_length=64)),
                        ('sous_categorie', models.CharField(blank=True, max_length=64)),
                        ('code_tva', models.CharField(blank=True, max_length=1)),
                        ('taux_tva', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                        ('regie', models.CharField(blank=True, max_length=2)),
                        ('vol_alcool', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True)),
                        ('unite', models.CharField(blank=True, max_length=4)),
                        ('volume_unitaire', models.DecimalField(blank=True, decimal_places=3, max_digits=14, null=True)),
                        ('aggregats_a_jour', models.BooleanField(default=False)),
                        ('colisage_moyen', models.DecimalField(blank=True, decimal_places=2, max_digits=10, null=True)),
                        ('quantite_colis_totale', models.DecimalField(decimal_places=3, default=0, max_digits=14)),
                        ('quantite_unitaire_totale', models.DecimalField(decimal_places=3, default=0, max_digits=14)),
                        ('montant_total_ht', models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                        ('montant_total_tva', models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                        ('montant_total', models.DecimalField(decimal_places=2, default=0, max_digits=14)),
                        ('nb_achats', models.PositiveIntegerField(default=0)),
                        ('prix_unitaire_moyen', models.DecimalField(blank=True, decimal_places=3, max_digits=14, null=True)),
                        ('prix_unitaire_min', models.DecimalField(blank=True, decimal_places=3, max_digits=14, null=True)),
                        ('prix_unitaire_max', models.DecimalField(blank=True, decimal_places=3, max_digits=14, null=True)),
                        ('prix_colis_moyen', models.DecimalField(blank=True, decimal_places=3, max_digits=14, null=True)),
                        ('premier_achat', models.DateField(blank=True, null=True)),
                        ('dernier_achat', models.DateField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalog.category')),
                    ],
                    options={
                        'db_table': 'metro_product',
                        'ordering': ['designation', 'id'],
                        'indexes': [models.Index(fields=['categorie'], name='metro_product_categorie_idx')],
                    },
                ),
            ],
        ),
    ]
