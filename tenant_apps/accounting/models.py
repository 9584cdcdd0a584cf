"""A tenant's own accounts: the overrides of the default chart (chart.DEFAULTS), one per key."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class LedgerAccount(models.Model):
    """The account a key posts to at this tenant, instead of its default (chart.py says what keys mean)."""

    key = models.CharField(max_length=80, unique=True)
    number = models.CharField(max_length=20)
    label = models.CharField(max_length=100)
    aux_number = models.CharField(max_length=20, blank=True)
    aux_label = models.CharField(max_length=100, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["key"]
        constraints = [
            # The FEC: an account number starts with three digits of the French chart of accounts.
            models.CheckConstraint(
                condition=models.Q(number__regex=r"^[1-7][0-9]{2}[0-9A-Z]{0,17}$"),
                name="accounting_account_number_pcg",
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} -> {self.number}"
