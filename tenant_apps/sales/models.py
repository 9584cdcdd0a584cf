"""Till sales in the tenant schema: orders as the till closed them, their lines and payments, and imports.

An order keeps the till's own id (`till_id`, unique): importing an export again finds its orders and skips
them. Datetimes are aware: the till's local wall-clock time read in the tenant's time zone. A sale belongs
to the moment its order was closed (paid), so reports filter and group on `Order.closed_at`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.utils import timezone

from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import Site


class ImportSource(models.TextChoices):
    API = "api", "API"
    CLI = "cli", "command line"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "waiting for a worker"
    RUNNING = "running", "running"
    DONE = "done", "done"
    FAILED = "failed", "failed"


class SalesImport(models.Model):
    """One import run of a till export; the outcome as the API returns it once it ends."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=ImportSource.choices)
    # The public user's id, not a foreign key (see metro.ImportBatch: GDPR deletes run in the public schema).
    created_by_id = models.UUIDField(null=True, blank=True, db_index=True)
    status = models.CharField(max_length=8, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    force = models.BooleanField(default=False)  # also load orders with a blocking issue
    order_count = models.PositiveIntegerField(default=0)  # orders in the export
    processed_count = models.PositiveIntegerField(default=0)
    imported_count = models.PositiveIntegerField(default=0)
    line_count = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sales import {self.id} ({self.status})"


class PendingUpload(models.Model):
    """An uploaded file waiting for its import's background job; deleted when the job ends."""

    sales_import = models.ForeignKey(SalesImport, on_delete=models.CASCADE, related_name="pending_uploads")
    position = models.PositiveIntegerField()
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()

    class Meta:
        ordering = ["sales_import", "position"]

    def __str__(self) -> str:
        return self.file_name


class Order(models.Model):
    till_id = models.CharField(max_length=64, unique=True)  # "ID commande"
    establishment_id = models.CharField(max_length=64)
    establishment = models.CharField(max_length=128, blank=True)
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField()
    name = models.CharField(max_length=255, blank=True)
    custom_id = models.CharField(max_length=64, blank=True)
    waiter = models.CharField(max_length=128, blank=True)
    table = models.CharField(max_length=64, blank=True)
    covers = models.IntegerField(default=0)
    duration = models.DurationField()
    status = models.CharField(max_length=16)
    total_ttc = models.DecimalField(max_digits=12, decimal_places=2)
    total_ht = models.DecimalField(max_digits=12, decimal_places=2)
    total_vat = models.DecimalField(max_digits=12, decimal_places=2)
    total_paid = models.DecimalField(max_digits=12, decimal_places=2)
    # Loaded despite a blocking issue (the import was forced); the issue codes say which.
    forced = models.BooleanField(default=False)
    issues = models.JSONField(default=list, blank=True)
    sales_import = models.ForeignKey(
        SalesImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )

    class Meta:
        indexes = [models.Index(fields=["closed_at"], name="sales_order_closed_at")]

    def __str__(self) -> str:
        return f"order {self.till_id} {self.closed_at:%Y-%m-%d %H:%M}"


class OrderLine(models.Model):
    """A product line of an order; its identity is (order, position): a product may repeat in an order."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    product_name = models.CharField(max_length=255)
    # The dish of the till's product name (created by the import); SET_NULL keeps the sale if it goes.
    dish = models.ForeignKey("Dish", on_delete=models.SET_NULL, null=True, blank=True, related_name="lines")
    sku = models.CharField(max_length=64, blank=True)
    quantity = models.DecimalField(max_digits=10, decimal_places=3)
    unit_price_ttc = models.DecimalField(max_digits=12, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2)
    ca_ttc = models.DecimalField(max_digits=12, decimal_places=2)
    ca_ht = models.DecimalField(max_digits=12, decimal_places=2)
    vat_amount = models.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)  # percent
    note = models.CharField(max_length=255, blank=True)
    # Copied from the order so that reports by period read one table.
    closed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="sales_line_order_position")
        ]
        # With what the reports sum: a period's lines read from the index alone (sales per day, top dishes,
        # the dashboard), not from the table's pages.
        indexes = [
            models.Index(
                fields=["closed_at"],
                include=["dish", "quantity", "ca_ttc", "ca_ht"],
                name="sales_line_closed_at",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.position} {self.quantity} x {self.product_name}"


class OrderPayment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    position = models.PositiveIntegerField()
    method = models.CharField(max_length=64)  # as the till names it: "Espèces", "Carte Bancaire", …
    amount = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "position"], name="sales_payment_order_position")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.method} {self.amount}"


class Dish(models.Model):
    """A dish (plat) sold at the till, created from the till's product name and editable afterwards.

    `till_name` links the till's lines to the dish and never changes; `name` is what the owner calls it.
    """

    till_name = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    category = models.CharField(max_length=128, blank=True)
    channel = models.CharField(max_length=32, default="restaurant")
    selling_price_ttc = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("10.00"))  # percent
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(selling_price_ttc__gte=0), name="sales_dish_price_gte_0"
            ),
            models.CheckConstraint(
                condition=models.Q(vat_rate__gte=0, vat_rate__lt=100), name="sales_dish_vat_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RecipeLine(models.Model):
    """An ingredient of a dish: the quantity served (in the product's unit) and the share that is usable.

    `yield_factor` is the usable fraction of what is taken from stock (0.8: a fifth is lost in peeling or
    trimming), so the stock gives quantity / yield_factor per dish.
    """

    dish = models.ForeignKey(Dish, on_delete=models.CASCADE, related_name="recipe_lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=12, decimal_places=4)
    yield_factor = models.DecimalField(max_digits=5, decimal_places=4, default=Decimal(1))

    class Meta:
        ordering = ["dish", "id"]
        constraints = [
            models.UniqueConstraint(fields=["dish", "product"], name="sales_recipe_dish_product"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="sales_recipe_quantity_gt_0"),
            models.CheckConstraint(
                condition=models.Q(yield_factor__gt=0, yield_factor__lte=1), name="sales_recipe_yield_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dish_id}: {self.quantity} of {self.product_id}"


class TillEstablishment(models.Model):
    """An establishment of the till export, and the stock site its sales consume from."""

    establishment_id = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=128, blank=True)
    # None while the tenant has several sites and nobody said which: its sales then move no stock.
    site = models.ForeignKey(Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return self.name or self.establishment_id


class DailySales(models.Model):
    """What the till sold per local day and dish: its lines summed, so that a period's report reads a row
    per day and dish instead of every line (a month of a busy till is tens of thousands of lines).

    Kept by the import in each chunk's own transaction, with the lines; `day` is on the calendar of the
    zone `DailySalesState` names. Derived data: `services.daily` rebuilds it from the lines.
    """

    day = models.DateField()
    # SET_NULL like the lines': a deleted dish's sales stay, under no dish (NULLs do not collide below).
    dish = models.ForeignKey("Dish", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    ca_ttc = models.DecimalField(max_digits=14, decimal_places=2)
    ca_ht = models.DecimalField(max_digits=14, decimal_places=2)
    line_count = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "dish"], name="sales_daily_day_dish")]

    def __str__(self) -> str:
        return f"{self.day} {self.dish_id}: {self.quantity}"


class DailySalesState(models.Model):
    """The one row saying in which time zone `DailySales` holds every line; blank while it does not
    (reports then read the lines, and the next import rebuilds the days). Writers lock it (services.daily)."""

    zone = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return self.zone or "(stale)"
