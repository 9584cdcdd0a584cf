"""Expenses test helpers: expenses and centres stored at a tenant, amounts consistent (TTC = HT + VAT)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.expenses.models import CostCentre, CostKind, Expense, ExpenseCategory
from tests.factories.access import member_with_role, token_headers


def centre_make(tenant: Tenant, name: str, *, budget: str | None = None, **fields: Any) -> CostCentre:
    with schema_context(tenant.schema_name):
        return CostCentre.objects.create(
            name=name,
            kind=fields.pop("kind", CostKind.VARIABLE),
            monthly_budget=Decimal(budget) if budget is not None else None,
            **fields,
        )


def centre_named(tenant: Tenant, name: str) -> CostCentre:
    with schema_context(tenant.schema_name):
        return CostCentre.objects.get(name=name)


def category_named(tenant: Tenant, name: str) -> ExpenseCategory:
    with schema_context(tenant.schema_name):
        return ExpenseCategory.objects.select_related("default_centre").get(name=name)


def expense_make(
    tenant: Tenant,
    *,
    centre: CostCentre,
    ht: str,
    day: date,
    vat_rate: str = "20",
    label: str = "Facture",
    supplier: str = "Fournisseur SARL",
    category: ExpenseCategory | None = None,
) -> Expense:
    amount = Decimal(ht)
    vat = (amount * Decimal(vat_rate) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
    with schema_context(tenant.schema_name):
        return Expense.objects.create(
            date=day,
            supplier=supplier,
            label=label,
            centre=centre,
            category=category,
            amount_ht=amount,
            vat_rate=Decimal(vat_rate),
            vat=vat,
            amount_ttc=amount + vat,
        )


@pytest.fixture
def manager_a(tenant_a: Tenant) -> Client:
    """A manager of A: records expenses and edits budgets."""
    return Client(HTTP_HOST="alpha.testserver", **token_headers(member_with_role(tenant_a, "manager")))


@pytest.fixture
def reader_a(tenant_a: Tenant) -> Client:
    """A read-only member of A."""
    return Client(HTTP_HOST="alpha.testserver", **token_headers(member_with_role(tenant_a, "read-only")))
