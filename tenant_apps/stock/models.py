"""Stock per site of a tenant: movements (signed, valued), and the daily position they add up to.

Every supplier's purchase line becomes an ENTREE written by the importing app in the invoice's own
transaction; counts, losses, sales and transfers are written by this app's services. Quantities are in the
product's unit (pieces, or kg for weighed items). A movement is written unvalued where its value depends on
the stock before it (exits, counts): the valuation (services.valuation) values it, and rebuilds the daily
positions, forward from the earliest unvalued movement of each product and site.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tenant_apps.catalog.models import Product


class Site(models.Model):
    """An establishment of the tenant (a restaurant, a grocery): stock is kept per site."""

    name = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MovementKind(models.TextChoices):
    # The values are the contract's `type_mouvement` codes.
    ENTRY = "ENTREE", "entry (a purchase)"
    EXIT = "SORTIE", "exit"
    COUNT = "INVENTAIRE", "count adjustment"
    TRANSFER = "TRANSFERT", "transfer between sites"


class ExitReason(models.TextChoices):
    SALE = "sale", "sale"
    LOSS = "loss", "loss"
    STAFF_MEAL = "staff_meal", "staff meal"
    OFFERED = "offered", "offered"


class MovementSource(models.TextChoices):
    METRO = "metro", "METRO invoice line"
    COUNT = "count", "stock count"
    MANUAL = "manual", "entered by hand"
    SALE = "sale", "a till sale through its dish's recipe"


class StockMovement(models.Model):
    # PROTECT both ways: a product or site with history is never deleted under it. No foreign key
    # constraints, for the load's speed (two checks fewer per purchase line): the line's own key vouches for
    # its product, the invoice's customer account for its site; services check those of every other
    # movement. No index of the site alone either (one index entry fewer per purchase line): every read
    # of movements by site names the product too, which the (product, site, date) index serves; only
    # the PROTECT check of a site's deletion, which no service offers, would scan.
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="movements", db_constraint=False, db_index=False
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=MovementKind.choices)
    reason = models.CharField(max_length=12, choices=ExitReason.choices, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)  # signed: exits are negative
    unit_cost = models.DecimalField(max_digits=14, decimal_places=4, default=0)  # never negative
    value = models.DecimalField(max_digits=14, decimal_places=2, default=0)  # signed like the quantity
    source = models.CharField(max_length=8, choices=MovementSource.choices)
    source_ref = models.CharField(max_length=64, blank=True)  # e.g. the invoice line's id
    # False until the valuation has been through it (services.valuation); a partial index finds those.
    valued = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["product", "site", "date"], name="stock_move_product_site_date"),
            # The latest movements, of a kind or of all (selectors.movement_latest), and their date ranges.
            models.Index(fields=["kind", "date", "id"], name="stock_move_kind_date"),
            models.Index(
                fields=["product", "site"], name="stock_move_unvalued", condition=models.Q(valued=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id}@{self.site_id} {self.date} {self.quantity}"


class StockDay(models.Model):
    """The position of a product at a site at the end of a day on which it moved (later days repeat it)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", db_index=False)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    date = models.DateField()
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit_cost = models.DecimalField(max_digits=14, decimal_places=4)  # the average cost after the day
    # The pair's position at the end of its previous day (None on its first): how the day changed the stock
    # is read off the row itself, where a report over a period would otherwise look back row by row.
    prev_quantity = models.DecimalField(max_digits=14, decimal_places=3, null=True)
    prev_value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    entries = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    exits = models.DecimalField(max_digits=14, decimal_places=3, default=0)  # positive: units gone
    # The sale exits among them (positive), and their value at the average cost: what products sold most.
    sold = models.DecimalField(max_digits=14, decimal_places=3, default=0)
    sold_value = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        constraints = [
            # With the position in the index: a pair's position on a day is one index-only probe (the last
            # day up to it), however many days it has (selectors.positions_on, positions_at_site).
            models.UniqueConstraint(
                fields=["product", "site", "date"],
                include=["quantity", "value", "unit_cost"],
                name="stock_day_product_site_date",
            )
        ]
        indexes = [
            models.Index(fields=["site", "date"], name="stock_day_site_date"),
            # Every position of a period (the stock's value per day, the dashboard's window), read from the
            # index alone: a period's days are scattered over the table, as the valuation writes them by pair.
            models.Index(
                fields=["date"],
                include=["product", "site", "quantity", "value", "exits", "prev_quantity", "prev_value"],
                name="stock_day_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.site_id} {self.date}: {self.quantity}"


class StockCount(models.Model):
    """A physical count (inventaire) of some products at a site on a day; its lines moved the stock."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="counts")
    date = models.DateField()
    created_by_id = models.UUIDField(null=True, blank=True)  # the public user's id (see ImportBatch)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"count {self.pk} @{self.site_id} {self.date}"


class StockCountLine(models.Model):
    count = models.ForeignKey(StockCount, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    expected = models.DecimalField(max_digits=14, decimal_places=3)  # the stock before the count
    counted = models.DecimalField(max_digits=14, decimal_places=3)
    movement = models.OneToOneField(StockMovement, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["count", "product"], name="stock_count_line_unique")]

    def __str__(self) -> str:
        return f"{self.count_id}: {self.product_id} {self.expected} → {self.counted}"


class StockLevel(models.Model):
    """The position of a product at a site now (its last day's), kept by the valuation, so that the
    catalogue sorts and filters on stock with one index lookup per product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+", db_index=False)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    value = models.DecimalField(max_digits=14, decimal_places=2)
    unit_cost = models.DecimalField(max_digits=14, decimal_places=4)
    # Every day's `sold` and `sold_value` so far, summed (kept by the valuation as it rewrites days).
    sold = models.DecimalField(max_digits=16, decimal_places=3, default=0)
    sold_value = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["product", "site"], name="stock_level_product_site")]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.site_id}: {self.quantity}"
