"""METRO invoices in the tenant schema, in three layers.

- staging: `ImportBatch` (one import run) and `StagedDocument` (one file, by SHA-256, with its parse and
  reconciliation outcome). Every file ever offered lands here, loaded or not.
- ODS: `Invoice` and `InvoiceLine`, the documents as printed (totals negative on credit notes).
- DWH: `PurchaseFact` (one per article line, keyed by it) and `PriceHistory` (a view over the facts). Lines
  and facts point at the supplier-neutral products of `tenant_apps.catalog`, which never points back.

Fields are English; the contract's French names live in the serializers of `apis/`. Money is always
DecimalField; product keys, dates and amounts sit on the fact rows so that stock and sales joins need no
detour through the invoice.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils import timezone

from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import Site


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
    # While running, the process doing it renews this after each file; a running batch past it was left by a
    # process that died (services.leases), and is finished or retried by the next import.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Load documents that do not reconcile too (they are marked "forced").
    force = models.BooleanField(default=False)
    file_count = models.PositiveIntegerField(default=0)
    processed_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    unreconciled_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    line_count = models.PositiveIntegerField(default=0)
    product_count = models.PositiveIntegerField(default=0)
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


class CustomerAccount(models.Model):
    """A METRO customer of the tenant (a card's home store and customer number), and the site it buys for.

    METRO prints one customer in several ways, with the card holder's suffix and more or less zero padding:
    `135 00000038 01 4 SC` and `135 000038 KY` are both customer 38 of store 135 (services.customers).
    """

    store = models.CharField(max_length=3)
    number = models.PositiveIntegerField()
    printed = models.CharField(max_length=32)  # as first seen
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["store", "number"], name="metro_customer_unique")]

    def __str__(self) -> str:
        return f"{self.store} {self.number}"


class ReconciliationStatus(models.TextChoices):
    RECONCILED = "reconciled", "reconciled to the cent"
    FORCED = "forced", "loaded although it does not reconcile"


class Invoice(models.Model):
    number = models.CharField(max_length=32, unique=True)  # as printed, e.g. 0/0(135)0011/021323
    doc_type = models.CharField(max_length=32, choices=DocType.choices)
    doc_label = models.CharField(max_length=64)
    invoice_date = models.DateField(db_index=True)
    issued_at = models.DateTimeField()
    store_name = models.CharField(max_length=64)
    store_code = models.CharField(max_length=8)
    customer_number = models.CharField(max_length=32, blank=True)
    customer = models.ForeignKey(
        CustomerAccount,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        db_index=False,
    )
    # The totals row as printed; None where the document prints none (empty invoices, down payments).
    total_net = _money(null=True, blank=True)
    total_vat = _money(null=True, blank=True)
    total_gross = _money(null=True, blank=True)
    total_due = _money(null=True, blank=True)
    line_count = models.PositiveIntegerField(default=0)  # article lines only
    reconciliation_status = models.CharField(max_length=16, choices=ReconciliationStatus.choices)
    reconciliation_report = models.JSONField(default=dict, blank=True)
    # A credit note's "Pour la facture nº"; the link is resolved whichever of the two arrives first.
    referenced_number = models.CharField(max_length=32, blank=True, db_index=True)
    referenced_invoice = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="credit_notes"
    )
    source_file = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(default=timezone.now)
    batch = models.ForeignKey(ImportBatch, on_delete=models.SET_NULL, null=True, related_name="invoices")

    class Meta:
        ordering = ["-invoice_date", "-id"]

    def __str__(self) -> str:
        return self.number


class LineKind(models.TextChoices):
    ARTICLE = "article", "article"
    COTIS = "cotis", "COTIS. SECURITE SOCIALE"
    DISCOUNT = "discount", "discount"
    DOWN_PAYMENT = "down_payment", "down payment"


class InvoiceLine(models.Model):
    """A printed row. Identity is (invoice, position): METRO repeats identical rows on one invoice."""

    # No index of its own: the unique (invoice, position) index serves every lookup by invoice, and one
    # index entry less per line is loading speed (services.statement).
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines", db_index=False)
    position = models.PositiveIntegerField()  # printed order over every kind of row, from 1
    kind = models.CharField(max_length=16, choices=LineKind.choices)
    # Indexed by the unique (product, invoice, id) constraint below, which leads with it.
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    ean = models.CharField(max_length=14, blank=True)
    article_number = models.CharField(max_length=7, blank=True)
    designation = models.CharField(max_length=128)
    mm = models.CharField(max_length=1, blank=True)
    pack_size = models.PositiveIntegerField(null=True, blank=True)
    case_quantity = _quantity(null=True, blank=True)
    unit_quantity = _quantity(null=True, blank=True)
    weight_kg = _quantity(null=True, blank=True)
    case_price = _price(null=True, blank=True)
    unit_price = _price(null=True, blank=True)
    net_amount = _money()
    unit_volume = _quantity(null=True, blank=True)
    unit = models.CharField(max_length=4, blank=True)
    vat_code = models.CharField(max_length=1, blank=True)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    # Line VAT at the code's rate, rounded per line: informative (the printed VAT table is the authority).
    vat_amount = _money(null=True, blank=True)
    excise_regime = models.CharField(max_length=2, blank=True)
    abv = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    section = models.CharField(max_length=64, blank=True)  # METRO's section
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
    # No index: nothing reads the facts by invoice (an invoice's rows are its lines, found by the unique
    # (invoice, position) index), and one index entry fewer per line is loading speed. Invoices are
    # never deleted; the cascade that would be the one reader scans.
    invoice = models.ForeignKey(
        Invoice, on_delete=models.CASCADE, related_name="facts", db_constraint=False, db_index=False
    )
    purchase_date = models.DateField()
    case_quantity = _quantity()
    unit_quantity = _quantity()  # signed: returns and credit notes are negative
    unit_price = _price()
    case_price = _price()
    pack_size = models.PositiveIntegerField(null=True, blank=True)
    net_amount = _money()
    vat_amount = _money()

    class Meta:
        indexes = [
            models.Index(fields=["product", "purchase_date"], name="metro_fact_product_date_idx"),
            models.Index(fields=["purchase_date"], name="metro_fact_date_idx"),
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
    unit_price = _price()

    class Meta:
        managed = False
        ordering = ["product", "date"]

    def __str__(self) -> str:
        return f"{self.product_id} {self.date} {self.unit_price}"
