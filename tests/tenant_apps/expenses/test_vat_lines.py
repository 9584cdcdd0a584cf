"""The selector an accounting export books expenses from: a period's expenses, oldest first, each with its
VAT split (HT, rate, VAT, TTC), its supplier and category."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.expenses.selectors import expense_vat_lines
from tests.factories.expenses import category_named, centre_named, expense_make

pytestmark = pytest.mark.django_db


def test_a_periods_expenses_with_their_vat_split_oldest_first(tenant_a: Tenant) -> None:
    energy, water = centre_named(tenant_a, "Énergie"), category_named(tenant_a, "Eau")
    expense_make(tenant_a, centre=energy, ht="10.00", day=date(2024, 12, 31), supplier="Avant")
    january = date(2025, 1, 31)
    expense_make(
        tenant_a, centre=energy, ht="80.00", vat_rate="5.5", day=january, supplier="Veolia", category=water
    )
    expense_make(tenant_a, centre=energy, ht="100.00", day=date(2025, 1, 1), supplier="EDF")
    expense_make(tenant_a, centre=energy, ht="10.00", day=date(2025, 2, 1), supplier="Après")
    with schema_context(tenant_a.schema_name):
        lines = expense_vat_lines(start=date(2025, 1, 1), end=date(2025, 1, 31))
    assert [(line.supplier, line.date) for line in lines] == [
        ("EDF", date(2025, 1, 1)),
        ("Veolia", date(2025, 1, 31)),
    ]
    veolia = lines[1]
    assert (veolia.amount_ht, veolia.vat_rate, veolia.vat, veolia.amount_ttc) == (
        Decimal("80.00"), Decimal("5.5"), Decimal("4.40"), Decimal("84.40"),
    )  # fmt: skip
    assert (veolia.category, veolia.centre, lines[0].category) == ("Eau", "Énergie", "")
