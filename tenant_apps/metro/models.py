"""METRO invoices in the tenant schema, in three layers.

- staging: `ImportBatch` (one import run) and `StagedDocument` (one file, by SHA-256, with its parse and
  reconciliation outcome). Every file ever offered lands here, loaded or not.
- ODS: `Invoice` and `InvoiceLine`, the documents as printed (totals negative on credit notes).
- DWH: `Product` (keyed by EAN, else by article number), `PurchaseFact` (one per article line, keyed by
  it), `PriceHistory` (a view over the facts), and the per-product aggregates stored on `Product` so that
  lists sort without a join.

Field names of the ODS/DWH follow the API contract (French), so later catalogue and analytics queries read
the same words. Money is always DecimalField; product keys, dates and amounts sit on the fact rows so that
stock and sales joins need no detour through the invoice.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone


def _money(**options: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, **options)


def _price(**options: Any) -> models.DecimalField:
    # METRO prints unit prices with 3 decimals.
    return models.DecimalField(max_digits=14, decimal_places=3, **options)


_quantity = _price  # kg and units: 3 decimals as well


class ImportSource(models.TextChoices):
    API = "api", "API"
    CLI = "cli", "command line"


class BatchStatus(models.TextChoices):
    PENDING = "pending", "waiting for a worker"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class ImportBatch(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=ImportSource.choices)
    # The public user's id, not a foreign key: deleting a user (GDPR) runs in the public schema, where
    # Django's cascade collector cannot see this tenant table.
    created_by_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=8, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    # Load documents that do not reconcile too (they are marked "forced").
    force = models.BooleanField(default=False)
    nb_files = models.PositiveIntegerField(default=0)
    nb_processed = models.PositiveIntegerField(default=0)
    nb_imported = models.PositiveIntegerField(default=0)
    nb_duplicates = models.PositiveIntegerField(default=0)
    nb_unreconciled = models.PositiveIntegerField(default=0)
    nb_errors = models.PositiveIntegerField(default=0)
    nb_lines = models.PositiveIntegerField(default=0)
    nb_products = models.PositiveIntegerField(default=0)
    # The full outcome as the API returns it (per-file errors and reasons), set when the batch ends.
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"batch {self.id} ({self.status})"


class PendingFile(models.Model):
    """An uploaded PDF waiting for the background job of its batch; deleted once processed."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="pending_files")
    position = models.PositiveIntegerField()
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        ordering = ["batch", "position"]

    def __str__(self) -> str:
        return f"{self.batch_id}#{self.position} {self.file_name}"


class DocumentStatus(models.TextChoices):
    LOADED = "loaded", "loaded into the ODS and DWH"
    DUPLICATE = "duplicate", "another file already holds this invoice"
    UNRECONCILED = "unreconciled", "does not reconcile; kept in staging"
    ERROR = "error", "could not be read"


class StagedDocument(models.Model):
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, related_name="documents")
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=16, choices=DocumentStatus.choices)
    invoice_number = models.CharField(max_length=32, blank=True, db_index=True)
    doc_type = models.CharField(max_length=32, blank=True)
    raw_lines = models.JSONField(default=list, blank=True)
    reconciliation = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=32, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    invoice = models.ForeignKey(
        "Invoice", on_delete=models.SET_NULL, null=True, blank=True, related_name="staged_documents"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="metro_staged_status_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class DocType(models.TextChoices):
    INVOICE = "invoice", "Nº FACTURE"
    CREDIT_NOTE = "credit_note", "Avoir"
    DEPOSIT_REFUND = "deposit_refund", "AVOIR Consigne"
    DOWN_PAYMENT_INVOICE = "down_payment_invoice", "FACTURE D'ACOMPTE"
    DOWN_PAYMENT_REFUND = "down_payment_refund", "REMBOURSEMENT D'UN FACTURE D'ACOMPTE"
    DOWN_PAYMENT_CREDIT_NOTE = "down_payment_credit_note", "Avoir (acompte)"


class ReconciliationStatus(models.TextChoices):
    RECONCILED = "reconciled", "reconciled to the cent"
    FORCED = "forced", "loaded although it does not reconcile"


class Invoice(models.Model):
    numero = models.CharField(max_length=32, unique=True)  # as printed, e.g. 0/0(135)0011/021323
    doc_type = models.CharField(max_length=32, choices=DocType.choices)
    libelle_document = models.CharField(max_length=64)
    date_facture = models.DateField(db_index=True)
    facture_le = models.DateTimeField()
    magasin = models.CharField(max_length=64)
    code_magasin = models.CharField(max_length=8)
    numero_client = models.CharField(max_length=32, blank=True)
    # The totals row as printed; None where the document prints none (empty invoices, down payments).
    total_ht = _money(null=True, blank=True)
    total_tva = _money(null=True, blank=True)
    total_ttc = _money(null=True, blank=True)
    total_a_payer = _money(null=True, blank=True)
    nb_lignes = models.PositiveIntegerField(default=0)  # article lines only
    statut_rapprochement = models.CharField(max_length=16, choices=ReconciliationStatus.choices)
    rapport_rapprochement = models.JSONField(default=dict, blank=True)
    # A credit note's "Pour la facture nº"; the link is resolved whichever of the two arrives first.
    numero_facture_referencee = models.CharField(max_length=32, blank=True, db_index=True)
    facture_referencee = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="avoirs"
    )
    fichier_source = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    importee_le = models.DateTimeField(default=timezone.now)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, related_name="invoices")

    class Meta:
        ordering = ["-date_facture", "-id"]

    def __str__(self) -> str:
        return self.numero


class LineKind(models.TextChoices):
    ARTICLE = "article", "article"
    COTIS = "cotis", "COTIS. SECURITE SOCIALE"
    DISCOUNT = "discount", "discount"
    DOWN_PAYMENT = "down_payment", "down payment"


class Category(models.Model):
    """Our classification (famille / categorie / sous_categorie), the target of `ClassificationRule`s."""

    famille = models.CharField(max_length=64)
    categorie = models.CharField(max_length=64)
    sous_categorie = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["famille", "categorie", "sous_categorie"], name="metro_category_unique"
            )
        ]

    def __str__(self) -> str:
        return " / ".join(p for p in (self.famille, self.categorie, self.sous_categorie) if p)


class RuleField(models.TextChoices):
    DESIGNATION = "designation", "the product designation"
    METRO_CATEGORY = "categorie_metro", "METRO's section name"


class ClassificationRule(models.Model):
    """Editable: a case-insensitive regular expression on a designation (or METRO section) → a category.

    The lowest `priority` number that matches wins; ties go to the lower id.
    """

    pattern = models.CharField(max_length=200)
    field = models.CharField(max_length=16, choices=RuleField.choices, default=RuleField.DESIGNATION)
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="rules")
    priority = models.PositiveIntegerField(default=100)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return f"{self.field} ~ {self.pattern} → {self.category}"


class Product(models.Model):
    # "ean:<ean>" or "art:<article number>": the natural key the loader upserts on.
    cle = models.CharField(max_length=24, unique=True)
    ean = models.CharField(max_length=14, blank=True, db_index=True)
    article_numero = models.CharField(max_length=7, db_index=True)
    designation = models.CharField(max_length=128)
    designation_normalisee = models.CharField(max_length=128, blank=True)
    marque = models.CharField(max_length=64, blank=True)
    volume_cl = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    degre_alcool = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    categorie_metro = models.CharField(max_length=64, blank=True)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    famille = models.CharField(max_length=64, blank=True)
    categorie = models.CharField(max_length=64, blank=True)
    sous_categorie = models.CharField(max_length=64, blank=True)
    code_tva = models.CharField(max_length=1, blank=True)
    taux_tva = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    regie = models.CharField(max_length=2, blank=True)
    vol_alcool = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    unite = models.CharField(max_length=4, blank=True)
    volume_unitaire = _quantity(null=True, blank=True)
    # Aggregates over the purchase facts, rebuilt set-based (services.aggregates). `aggregats_a_jour` turns
    # False in the transaction that adds a fact, so after a crash the next refresh still finds the product.
    # None of them is indexed, and the table keeps room on its pages (fillfactor 50, migration 0007): both
    # updates are HOT, no index entry per product and batch.
    aggregats_a_jour = models.BooleanField(default=False)
    colisage_moyen = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    quantite_colis_totale = _quantity(default=0)
    quantite_unitaire_totale = _quantity(default=0)
    montant_total_ht = _money(default=0)
    montant_total_tva = _money(default=0)
    montant_total = _money(default=0)
    nb_achats = models.PositiveIntegerField(default=0)
    prix_unitaire_moyen = _price(null=True, blank=True)
    prix_unitaire_min = _price(null=True, blank=True)
    prix_unitaire_max = _price(null=True, blank=True)
    prix_colis_moyen = _price(null=True, blank=True)
    premier_achat = models.DateField(null=True, blank=True)
    dernier_achat = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["designation", "id"]
        indexes = [models.Index(fields=["categorie"], name="metro_product_categorie_idx")]

    def __str__(self) -> str:
        return f"{self.cle} {self.designation}"


class InvoiceLine(models.Model):
    """A printed row. Identity is (invoice, position): METRO repeats identical rows on one invoice."""

    # No index of its own: the unique (invoice, position) index serves every lookup by invoice, and one
    # index entry less per line is loading speed (services.statement).
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lignes", db_index=False)
    position = models.PositiveIntegerField()  # printed order over every kind of row, from 1
    kind = models.CharField(max_length=16, choices=LineKind.choices)
    # Indexed by the unique (product, invoice, id) constraint below, which leads with it.
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    ean = models.CharField(max_length=14, blank=True)
    article_numero = models.CharField(max_length=7, blank=True)
    designation = models.CharField(max_length=128)
    mm = models.CharField(max_length=1, blank=True)
    colisage = models.PositiveIntegerField(null=True, blank=True)
    quantite_colis = _quantity(null=True, blank=True)
    quantite_unitaire = _quantity(null=True, blank=True)
    poids_kg = _quantity(null=True, blank=True)
    prix_colis = _price(null=True, blank=True)
    prix_unitaire = _price(null=True, blank=True)
    montant_ht = _money()
    volume_unitaire = _quantity(null=True, blank=True)
    unite = models.CharField(max_length=4, blank=True)
    code_tva = models.CharField(max_length=1, blank=True)
    taux_tva = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # Line VAT at the code's rate, rounded per line: informative (the printed VAT table is the authority).
    montant_tva = _money(null=True, blank=True)
    regie = models.CharField(max_length=2, blank=True)
    vol_alcool = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    categorie = models.CharField(max_length=64, blank=True)  # METRO's section
    promo = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "position"], name="metro_line_invoice_position_unique"
            ),
            # Unique anyway (it holds the id): the key a fact's one foreign key points at (PurchaseFact).
            models.UniqueConstraint(
                fields=["product", "invoice", "id"], name="metro_line_product_invoice_id_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}#{self.position}"


class PurchaseFact(models.Model):
    """One per article line, with everything stock and spend analyses join on."""

    # Keyed by its line: one fact per line either way, and a key of its own would only cost the loader a
    # sequence call and a second unique index per line (services.statement).
    # One foreign key, not three: (line, invoice, product) must be a line's own (id, invoice, product)
    # (migration 0006; Django cannot declare a composite one). The line's own foreign keys then vouch for
    # the invoice and the product, and a fact can no longer disagree with its line; two checks fewer per
    # fact at commit. Cascades and PROTECT are still Django's, as before.
    line = models.OneToOneField(
        InvoiceLine, on_delete=models.CASCADE, related_name="fact", primary_key=True, db_constraint=False
    )
    # Served by the (product, date_achat) index below; no single-column one.
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="facts", db_index=False, db_constraint=False
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="facts", db_constraint=False)
    date_achat = models.DateField()
    quantite_colis = _quantity()
    quantite_unitaire = _quantity()  # signed: returns and credit notes are negative
    prix_unitaire = _price()
    prix_colis = _price()
    colisage = models.PositiveIntegerField(null=True, blank=True)
    montant_ht = _money()
    montant_tva = _money()

    class Meta:
        indexes = [
            models.Index(fields=["product", "date_achat"], name="metro_fact_product_date_idx"),
            models.Index(fields=["date_achat"], name="metro_fact_date_idx"),
        ]

    def __str__(self) -> str:
        return f"fact {self.line_id}"


class PriceHistory(models.Model):
    """The unit prices a product was bought at: one row per (product, invoice, price).

    A view over the purchase facts (migration 0005), not a table: the loader would otherwise write a third
    row per article line, with its indexes and foreign-key checks, only to repeat what the facts hold.
    Read-only; it follows the facts, so it is deleted with them and never needs a cascade of its own.
    """

    # The first fact's line at that price: stable as long as the purchase is.
    id = models.BigIntegerField(primary_key=True)
    product = models.ForeignKey(
        Product, on_delete=models.DO_NOTHING, related_name="prices", db_constraint=False
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    date = models.DateField()
    prix_unitaire = _price()

    class Meta:
        managed = False
        ordering = ["product", "date"]

    def __str__(self) -> str:
        return f"{self.product_id} {self.date} {self.prix_unitaire}"
