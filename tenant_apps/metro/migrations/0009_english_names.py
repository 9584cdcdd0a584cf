"""English column names (the contract's French names now live only in serializers). Renames only.

The price-history view follows its facts' renamed columns by itself (PostgreSQL binds a view to columns,
not to their names); only its own output column is renamed here.
"""

from django.db import migrations, models

VIEW = "metro_pricehistory"


class Migration(migrations.Migration):

    dependencies = [
        ("metro", "0008_product_master_to_catalog"),
    ]

    operations = [
        migrations.RenameField(model_name="importbatch", old_name="nb_files", new_name="file_count"),
        migrations.RenameField(model_name="importbatch", old_name="nb_processed", new_name="processed_count"),
        migrations.RenameField(model_name="importbatch", old_name="nb_imported", new_name="imported_count"),
        migrations.RenameField(model_name="importbatch", old_name="nb_duplicates", new_name="duplicate_count"),
        migrations.RenameField(model_name="importbatch", old_name="nb_unreconciled", new_name="unreconciled_count"),
        migrations.RenameField(model_name="importbatch", old_name="nb_errors", new_name="error_count"),
        migrations.RenameField(model_name="importbatch", old_name="nb_lines", new_name="line_count"),
        migrations.RenameField(model_name="importbatch", old_name="nb_products", new_name="product_count"),
        migrations.RenameField(model_name="invoice", old_name="numero", new_name="number"),
        migrations.RenameField(model_name="invoice", old_name="libelle_document", new_name="doc_label"),
        migrations.RenameField(model_name="invoice", old_name="date_facture", new_name="invoice_date"),
        migrations.RenameField(model_name="invoice", old_name="facture_le", new_name="issued_at"),
        migrations.RenameField(model_name="invoice", old_name="magasin", new_name="store_name"),
        migrations.RenameField(model_name="invoice", old_name="code_magasin", new_name="store_code"),
        migrations.RenameField(model_name="invoice", old_name="numero_client", new_name="customer_number"),
        migrations.RenameField(model_name="invoice", old_name="total_ht", new_name="total_net"),
        migrations.RenameField(model_name="invoice", old_name="total_tva", new_name="total_vat"),
        migrations.RenameField(model_name="invoice", old_name="total_ttc", new_name="total_gross"),
        migrations.RenameField(model_name="invoice", old_name="total_a_payer", new_name="total_due"),
        migrations.RenameField(model_name="invoice", old_name="nb_lignes", new_name="line_count"),
        migrations.RenameField(model_name="invoice", old_name="statut_rapprochement", new_name="reconciliation_status"),
        migrations.RenameField(model_name="invoice", old_name="rapport_rapprochement", new_name="reconciliation_report"),
        migrations.RenameField(model_name="invoice", old_name="numero_facture_referencee", new_name="referenced_number"),
        migrations.RenameField(model_name="invoice", old_name="facture_referencee", new_name="referenced_invoice"),
        migrations.RenameField(model_name="invoice", old_name="fichier_source", new_name="source_file"),
        migrations.RenameField(model_name="invoice", old_name="importee_le", new_name="imported_at"),
        migrations.AlterField(
            model_name="invoice",
            name="referenced_invoice",
            field=models.ForeignKey(blank=True, null=True, on_delete=models.deletion.SET_NULL, related_name="credit_notes", to="metro.invoice"),
        ),
        migrations.AlterModelOptions(name="invoice", options={"ordering": ["-invoice_date", "-id"]}),
        migrations.RenameField(model_name="invoiceline", old_name="article_numero", new_name="article_number"),
        migrations.RenameField(model_name="invoiceline", old_name="colisage", new_name="pack_size"),
        migrations.RenameField(model_name="invoiceline", old_name="quantite_colis", new_name="case_quantity"),
        migrations.RenameField(model_name="invoiceline", old_name="quantite_unitaire", new_name="unit_quantity"),
        migrations.RenameField(model_name="invoiceline", old_name="poids_kg", new_name="weight_kg"),
        migrations.RenameField(model_name="invoiceline", old_name="prix_colis", new_name="case_price"),
        migrations.RenameField(model_name="invoiceline", old_name="prix_unitaire", new_name="unit_price"),
        migrations.RenameField(model_name="invoiceline", old_name="montant_ht", new_name="net_amount"),
        migrations.RenameField(model_name="invoiceline", old_name="volume_unitaire", new_name="unit_volume"),
        migrations.RenameField(model_name="invoiceline", old_name="unite", new_name="unit"),
        migrations.RenameField(model_name="invoiceline", old_name="code_tva", new_name="vat_code"),
        migrations.RenameField(model_name="invoiceline", old_name="taux_tva", new_name="vat_rate"),
        migrations.RenameField(model_name="invoiceline", old_name="montant_tva", new_name="vat_amount"),
        migrations.RenameField(model_name="invoiceline", old_name="regie", new_name="excise_regime"),
        migrations.RenameField(model_name="invoiceline", old_name="vol_alcool", new_name="abv"),
        migrations.RenameField(model_name="invoiceline", old_name="categorie", new_name="section"),
        migrations.AlterField(
            model_name="invoiceline",
            name="invoice",
            field=models.ForeignKey(db_index=False, on_delete=models.deletion.CASCADE, related_name="lines", to="metro.invoice"),
        ),
        migrations.RenameField(model_name="purchasefact", old_name="date_achat", new_name="purchase_date"),
        migrations.RenameField(model_name="purchasefact", old_name="quantite_colis", new_name="case_quantity"),
        migrations.RenameField(model_name="purchasefact", old_name="quantite_unitaire", new_name="unit_quantity"),
        migrations.RenameField(model_name="purchasefact", old_name="prix_unitaire", new_name="unit_price"),
        migrations.RenameField(model_name="purchasefact", old_name="prix_colis", new_name="case_price"),
        migrations.RenameField(model_name="purchasefact", old_name="colisage", new_name="pack_size"),
        migrations.RenameField(model_name="purchasefact", old_name="montant_ht", new_name="net_amount"),
        migrations.RenameField(model_name="purchasefact", old_name="montant_tva", new_name="vat_amount"),
        # PostgreSQL's indexes follow their renamed column; only Django's record of them is restated.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="purchasefact", name="metro_fact_product_date_idx"),
                migrations.RemoveIndex(model_name="purchasefact", name="metro_fact_date_idx"),
                migrations.AddIndex(
                    model_name="purchasefact",
                    index=models.Index(fields=["product", "purchase_date"], name="metro_fact_product_date_idx"),
                ),
                migrations.AddIndex(
                    model_name="purchasefact",
                    index=models.Index(fields=["purchase_date"], name="metro_fact_date_idx"),
                ),
            ],
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f"ALTER VIEW {VIEW} RENAME COLUMN prix_unitaire TO unit_price",
                    f"ALTER VIEW {VIEW} RENAME COLUMN unit_price TO prix_unitaire",
                ),
            ],
            state_operations=[
                migrations.RenameField(model_name="pricehistory", old_name="prix_unitaire", new_name="unit_price"),
            ],
        ),
    ]
