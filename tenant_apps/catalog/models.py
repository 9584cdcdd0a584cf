"""The supplier-neutral product master of a tenant: products, their categories and the classification rules.

Suppliers' imports (METRO's today, e-invoices later) create products here and point their lines at them;
stock, recipes and analytics build on these tables without knowing any supplier's. A product is keyed by
its EAN, else by its supplier article number (`natural_key`). The purchase aggregates (totals, prices,
first and last purchase) are stored on the product so that lists sort without a join; the importing app
rebuilds them from its facts.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def _money(**options: Any) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, **options)


def _price(**options: Any) -> models.DecimalField:
    # Suppliers print unit prices with 3 decimals.
    return models.DecimalField(max_digits=14, decimal_places=3, **options)


_quantity = _price  # kg and units: 3 decimals as well


class Category(models.Model):
    """Our classification (family / name / subcategory), the target of `ClassificationRule`s."""

    family = models.CharField(max_length=64)
    name = models.CharField(max_length=64)
    subcategory = models.CharField(max_length=64, blank=True)
    # The taxonomy's (taxonomy.py): a stable code, a label, the usual VAT rate, whether a restaurant cooks
    # with it (and how much it matters, 1 high … 3 low, 0 not), and the order of reports.
    code = models.CharField(max_length=20, unique=True, null=True, blank=True)
    label = models.CharField(max_length=64, blank=True)
    vat_default = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    is_ingredient = models.BooleanField(default=False)
    ingredient_priority = models.PositiveSmallIntegerField(default=0)
    family_order = models.PositiveSmallIntegerField(default=99)
    category_order = models.PositiveSmallIntegerField(default=99)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["family", "name", "subcategory"], name="catalog_category_unique")
        ]

    def __str__(self) -> str:
        return " / ".join(p for p in (self.family, self.name, self.subcategory) if p)


class RuleField(models.TextChoices):
    DESIGNATION = "designation", "the product designation"
    SUPPLIER_SECTION = "supplier_section", "the supplier's section name"


class ClassificationRule(models.Model):
    """Editable: a case-insensitive regular expression on a designation (or supplier section) → a category.

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
    # "ean:<ean>" or "art:<article number>": the natural key importers upsert on.
    natural_key = models.CharField(max_length=24, unique=True)
    ean = models.CharField(max_length=14, blank=True, db_index=True)
    article_number = models.CharField(max_length=7, db_index=True)
    designation = models.CharField(max_length=128)
    normalised_designation = models.CharField(max_length=128, blank=True)
    brand = models.CharField(max_length=64, blank=True)
    volume_cl = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    alcohol_degree = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    supplier_section = models.CharField(max_length=64, blank=True)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The category's names, copied so that lists filter and sort without a join.
    family_name = models.CharField(max_length=64, blank=True)
    category_name = models.CharField(max_length=64, blank=True)
    subcategory_name = models.CharField(max_length=64, blank=True)
    vat_code = models.CharField(max_length=1, blank=True)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    excise_regime = models.CharField(max_length=2, blank=True)
    abv = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=4, blank=True)
    unit_volume = _quantity(null=True, blank=True)
    # Set by the tenant: the selling price HT (margins follow from it) and the stock under which to reorder.
    selling_price = _price(null=True, blank=True)
    alert_threshold = _quantity(null=True, blank=True)
    # Purchase aggregates, rebuilt set-based by the importing app. `aggregates_fresh` turns False in the
    # transaction that adds a purchase, so after a crash the next refresh still finds the product. None of
    # them is indexed, and the table keeps room on its pages (fillfactor 50): both updates are HOT, no
    # index entry per product and batch.
    aggregates_fresh = models.BooleanField(default=False)
    avg_pack_size = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    total_case_quantity = _quantity(default=0)
    total_unit_quantity = _quantity(default=0)
    total_net = _money(default=0)
    total_vat = _money(default=0)
    total_gross = _money(default=0)
    purchase_count = models.PositiveIntegerField(default=0)
    avg_unit_price = _price(null=True, blank=True)
    min_unit_price = _price(null=True, blank=True)
    max_unit_price = _price(null=True, blank=True)
    avg_case_price = _price(null=True, blank=True)
    first_purchase = models.DateField(null=True, blank=True)
    last_purchase = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["designation", "id"]
        indexes = [models.Index(fields=["category_name"], name="catalog_product_category_idx")]

    def __str__(self) -> str:
        return f"{self.natural_key} {self.designation}"


class PriceAlert(models.Model):
    """A purchase at a unit price above the previous purchase's by more than the tenant's threshold."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_alerts")
    # The supplier's document: which importer (e.g. "metro"), its id there and its printed number.
    source = models.CharField(max_length=16)
    document_id = models.BigIntegerField()
    document_number = models.CharField(max_length=32)
    date = models.DateField()
    old_price = _price()
    new_price = _price()
    change_pct = models.DecimalField(max_digits=9, decimal_places=2)
    seen = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "source", "document_id"], name="catalog_price_alert_unique"
            )
        ]
        # The latest alerts first (the list) without sorting every alert of a long history.
        indexes = [models.Index(fields=["-date", "-id"], name="catalog_price_alert_latest")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.old_price} → {self.new_price} ({self.change_pct} %)"
