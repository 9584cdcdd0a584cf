"""Overheads in the tenant schema: cost centres with a monthly budget, expense categories, and expenses.

Amounts are kept to the cent with the invariant TTC = HT + VAT checked by PostgreSQL too. Supplier invoices
(food purchases) are not copied here: the one centre marked `is_purchases` is fed by them at read time
(selectors.expense_synthesis), so the invoices stay the single record of what was bought.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

# The French VAT rates (CGI art. 278 ff.): normal, intermediate, reduced, super-reduced, and none.
VAT_RATES: tuple[Decimal, ...] = (Decimal("0"), Decimal("2.1"), Decimal("5.5"), Decimal("10"), Decimal("20"))


class CostKind(models.TextChoices):
    # The values are the contract's `type_cout` words.
    FIXED = "fixe", "fixed (rent, insurance: the same every month)"
    VARIABLE = "variable", "variable (follows the activity)"


class CostCentre(models.Model):
    name = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=8, choices=CostKind.choices, default=CostKind.VARIABLE)
    # None: no budget set (the synthesis then gives no execution rate), not a budget of zero.
    monthly_budget = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # The centre that supplier invoices feed (food and drink bought for resale): at most one.
    is_purchases = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_budget__isnull=True) | Q(monthly_budget__gte=0),
                name="expenses_centre_budget_not_negative",
            ),
            models.UniqueConstraint(
                fields=["is_purchases"], condition=Q(is_purchases=True), name="expenses_one_purchases_centre"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ExpenseCategory(models.Model):
    name = models.CharField(max_length=64, unique=True)
    default_vat_rate = models.DecimalField(max_digits=4, decimal_places=1, default=Decimal("20"))
    default_centre = models.ForeignKey(
        CostCentre, on_delete=models.SET_NULL, null=True, blank=True, related_name="categories"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "expense categories"
        constraints = [
            models.CheckConstraint(
                condition=Q(default_vat_rate__in=VAT_RATES), name="expenses_category_vat_rate_french"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Expense(models.Model):
    date = models.DateField()
    supplier = models.CharField(max_length=128)
    label = models.CharField(max_length=255)
    reference = models.CharField(max_length=64, blank=True)  # the supplier's invoice number
    centre = models.ForeignKey(CostCentre, on_delete=models.PROTECT, related_name="expenses")
    category = models.ForeignKey(
        ExpenseCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="expenses"
    )
    amount_ht = models.DecimalField(max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(max_digits=4, decimal_places=1)
    vat = models.DecimalField(max_digits=12, decimal_places=2)
    amount_ttc = models.DecimalField(max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["date", "centre"], name="expenses_date_centre")]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_ttc=F("amount_ht") + F("vat")), name="expenses_ttc_is_ht_plus_vat"
            ),
            models.CheckConstraint(condition=Q(vat_rate__in=VAT_RATES), name="expenses_vat_rate_french"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.label}"
