"""The product master's tables take this app's names, and their columns English ones (the contract's French
names now live only in serializers). Renames only: no row is rewritten, and every step reverses."""

import django.db.models.deletion
from django.db import migrations, models

SECTION_OLD, SECTION_NEW = "categorie_metro", "supplier_section"


def rule_field_rename(apps, schema_editor, old=SECTION_OLD, new=SECTION_NEW):
    apps.get_model("catalog", "ClassificationRule").objects.filter(field=old).update(field=new)


def rule_field_restore(apps, schema_editor):
    rule_field_rename(apps, schema_editor, old=SECTION_NEW, new=SECTION_OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0001_initial"),
        ("metro", "0008_product_master_to_catalog"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="category", name="metro_category_unique"),
        migrations.RemoveIndex(model_name="product", name="metro_product_categorie_idx"),
        migrations.RenameField(model_name="category", old_name="famille", new_name="family"),
        migrations.RenameField(model_name="category", old_name="categorie", new_name="name"),
        migrations.RenameField(model_name="category", old_name="sous_categorie", new_name="subcategory"),
        migrations.RenameField(model_name="product", old_name="cle", new_name="natural_key"),
        migrations.RenameField(model_name="product", old_name="article_numero", new_name="article_number"),
        migrations.RenameField(model_name="product", old_name="designation_normalisee", new_name="normalised_designation"),
        migrations.RenameField(model_name="product", old_name="marque", new_name="brand"),
        migrations.RenameField(model_name="product", old_name="degre_alcool", new_name="alcohol_degree"),
        migrations.RenameField(model_name="product", old_name="categorie_metro", new_name="supplier_section"),
        migrations.RenameField(model_name="product", old_name="famille", new_name="family_name"),
        migrations.RenameField(model_name="product", old_name="categorie", new_name="category_name"),
        migrations.RenameField(model_name="product", old_name="sous_categorie", new_name="subcategory_name"),
        migrations.RenameField(model_name="product", old_name="code_tva", new_name="vat_code"),
        migrations.RenameField(model_name="product", old_name="taux_tva", new_name="vat_rate"),
        migrations.RenameField(model_name="product", old_name="regie", new_name="excise_regime"),
        migrations.RenameField(model_name="product", old_name="vol_alcool", new_name="abv"),
        migrations.RenameField(model_name="product", old_name="unite", new_name="unit"),
        migrations.RenameField(model_name="product", old_name="volume_unitaire", new_name="unit_volume"),
        migrations.RenameField(model_name="product", old_name="aggregats_a_jour", new_name="aggregates_fresh"),
        migrations.RenameField(model_name="product", old_name="colisage_moyen", new_name="avg_pack_size"),
        migrations.RenameField(model_name="product", old_name="quantite_colis_totale", new_name="total_case_quantity"),
        migrations.RenameField(model_name="product", old_name="quantite_unitaire_totale", new_name="total_unit_quantity"),
        migrations.RenameField(model_name="product", old_name="montant_total_ht", new_name="total_net"),
        migrations.RenameField(model_name="product", old_name="montant_total_tva", new_name="total_vat"),
        migrations.RenameField(model_name="product", old_name="montant_total", new_name="total_gross"),
        migrations.RenameField(model_name="product", old_name="nb_achats", new_name="purchase_count"),
        migrations.RenameField(model_name="product", old_name="prix_unitaire_moyen", new_name="avg_unit_price"),
        migrations.RenameField(model_name="product", old_name="prix_unitaire_min", new_name="min_unit_price"),
        migrations.RenameField(model_name="product", old_name="prix_unitaire_max", new_name="max_unit_price"),
        migrations.RenameField(model_name="product", old_name="prix_colis_moyen", new_name="avg_case_price"),
        migrations.RenameField(model_name="product", old_name="premier_achat", new_name="first_purchase"),
        migrations.RenameField(model_name="product", old_name="dernier_achat", new_name="last_purchase"),
        migrations.AlterModelTable(name="category", table=None),
        migrations.AlterModelTable(name="classificationrule", table=None),
        migrations.AlterModelTable(name="product", table=None),
        migrations.AddConstraint(
            model_name="category",
            constraint=models.UniqueConstraint(fields=("family", "name", "subcategory"), name="catalog_category_unique"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["category_name"], name="catalog_product_category_idx"),
        ),
        migrations.AlterField(
            model_name="classificationrule",
            name="field",
            field=models.CharField(choices=[("designation", "the product designation"), ("supplier_section", "the supplier's section name")], default="designation", max_length=16),
        ),
        migrations.RunPython(rule_field_rename, rule_field_restore),
    ]
