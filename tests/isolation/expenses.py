"""Isolation scenarios of the expenses routes: a centre, a category and an expense stored at A; an
administrator of B calls, reading and writing with A's ids."""

from __future__ import annotations

from shared_apps.tenants.models import Tenant

from .registry import Probe, Scenario

CENTRE, SUPPLIER, CATEGORY = "Centre secret de A", "Fournisseur secret de A", "Catégorie secrète de A"


def _expenses(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, object]:
    from datetime import date

    from django_tenants.utils import schema_context

    from tenant_apps.expenses.models import ExpenseCategory
    from tests.factories.expenses import centre_make, expense_make
    from tests.factories.metro import bearer_for

    centre = centre_make(tenant_a, CENTRE, budget="1234.00")
    with schema_context(tenant_a.schema_name):
        category = ExpenseCategory.objects.create(name=CATEGORY, default_centre=centre)
    expense = expense_make(tenant_a, centre=centre, ht="77.00", day=date(2025, 1, 15), supplier=SUPPLIER)
    return {
        "secrets": [CENTRE, SUPPLIER, CATEGORY, "1234.00", "77.00"],
        "schema_a": tenant_a.schema_name,
        "auth_b": bearer_for(tenant_b, admin=True),
        "centre_id": str(centre.pk),
        "category_id": str(category.pk),
        "expense_id": str(expense.pk),
    }


def _unchanged(ctx: dict[str, object]) -> None:
    from django_tenants.utils import schema_context

    from tenant_apps.expenses.models import CostCentre, Expense, ExpenseCategory

    with schema_context(str(ctx["schema_a"])):
        category = ExpenseCategory.objects.get(pk=int(str(ctx["category_id"])))
        assert (category.name, category.is_active, category.default_centre_id) == (
            CATEGORY,
            True,
            int(str(ctx["centre_id"])),
        )
        centre = CostCentre.objects.get(pk=int(str(ctx["centre_id"])))
        assert (centre.name, centre.is_active, str(centre.monthly_budget)) == (CENTRE, True, "1234.00")
        expense = Expense.objects.get(pk=int(str(ctx["expense_id"])))
        assert (expense.supplier, str(expense.amount_ht), expense.centre_id) == (SUPPLIER, "77.00", centre.pk)


def _of_a(ctx: dict[str, str]) -> dict[str, object]:
    """A new expense at B naming A's centre and category: neither exists at B."""
    return {
        "date": "2025-01-01",
        "fournisseur": "B",
        "libelle": "B",
        "centre_cout": int(ctx["centre_id"]),
        "categorie": int(ctx["category_id"]),
        "montant_ht": "1.00",
        "tva_pct": "20",
    }


_EXPENSES = Scenario(arrange=_expenses)
_CENTRE = Probe(path_values=lambda ctx: {"centre_id": str(ctx["centre_id"])})
_CATEGORY = Probe(path_values=lambda ctx: {"category_id": str(ctx["category_id"])})
_EXPENSE = Probe(path_values=lambda ctx: {"expense_id": str(ctx["expense_id"])})

EXPENSES_SCENARIOS: dict[str, Scenario] = {
    "api:cost-centres": Scenario(
        arrange=_expenses, probes=(Probe(), Probe(method="post", body=lambda ctx: {"nom": "B"}))
    ),
    "api:cost-centre": Scenario(
        arrange=_expenses,
        probes=(
            _CENTRE,
            Probe(method="patch", path_values=_CENTRE.path_values, body=lambda ctx: {"nom": "pris par B"}),
            Probe(method="delete", path_values=_CENTRE.path_values),
        ),
        after=_unchanged,
    ),
    "api:expense-categories": Scenario(
        arrange=_expenses, probes=(Probe(), Probe(method="post", body=lambda ctx: {"nom": "B"}))
    ),
    "api:expense-category": Scenario(
        arrange=_expenses,
        probes=(
            _CATEGORY,
            Probe(
                method="patch",
                path_values=_CATEGORY.path_values,
                body=lambda ctx: {"nom": "pris par B", "actif": False},
            ),
            Probe(method="delete", path_values=_CATEGORY.path_values),
        ),
        after=_unchanged,
    ),
    "api:expenses": Scenario(
        arrange=_expenses,
        probes=(Probe(), Probe(method="post", body=_of_a)),
        after=_unchanged,
    ),
    "api:expense": Scenario(
        arrange=_expenses,
        probes=(
            _EXPENSE,
            Probe(method="patch", path_values=_EXPENSE.path_values, body=lambda ctx: {"montant_ht": "1.00"}),
            Probe(method="delete", path_values=_EXPENSE.path_values),
        ),
        after=_unchanged,
    ),
    "api:analytics-expense-synthesis": _EXPENSES,
}
