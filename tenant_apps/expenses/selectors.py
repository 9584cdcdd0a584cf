"""Reads of the expenses app: lists, the monthly synthesis against budgets, and the VAT split of a period.

The synthesis counts what an owner reads as the month's spending: the expenses entered here, plus the
supplier invoices (food and drink bought, as printed, credit notes negative) in the one centre marked
`is_purchases` ("Matières premières" by default). Peers (MarketMan, Apicbase, Inpulse) put purchases in a
food-cost budget next to overheads in the same way; leaving them out would make a restaurant's largest cost
line invisible against its budget, and entering them again by hand would count them twice. Without such a
centre (the owner deleted it), invoices are left out.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear

from tenant_apps.metro.selectors import spend_by_month

from .models import CostCentre, Expense, ExpenseCategory

ZERO = Decimal("0.00")


def centre_list(*, active: bool | None = None) -> QuerySet[CostCentre]:
    centres = CostCentre.objects.all()
    return centres if active is None else centres.filter(is_active=active)


def centre_get(*, centre_id: int) -> CostCentre | None:
    return CostCentre.objects.filter(pk=centre_id).first()


def category_list(*, active: bool | None = None) -> QuerySet[ExpenseCategory]:
    categories = ExpenseCategory.objects.select_related("default_centre")
    return categories if active is None else categories.filter(is_active=active)


def category_get(*, category_id: int) -> ExpenseCategory | None:
    return ExpenseCategory.objects.filter(pk=category_id).first()


def expense_list(
    *,
    start: date | None = None,
    end: date | None = None,
    centre_id: int | None = None,
    category_id: int | None = None,
) -> QuerySet[Expense]:
    """Expenses dated from `start` to `end` inclusive, newest first."""
    expenses = Expense.objects.select_related("centre", "category")
    if start is not None:
        expenses = expenses.filter(date__gte=start)
    if end is not None:
        expenses = expenses.filter(date__lte=end)
    if centre_id is not None:
        expenses = expenses.filter(centre_id=centre_id)
    if category_id is not None:
        expenses = expenses.filter(category_id=category_id)
    return expenses.order_by("-date", "-id")


def expense_get(*, expense_id: int) -> Expense | None:
    return Expense.objects.select_related("centre", "category").filter(pk=expense_id).first()


@dataclass(frozen=True)
class ExpenseVatLine:
    """One expense as a purchases journal needs it: its date, document, counterpart and VAT split."""

    expense_id: int
    date: date
    reference: str
    supplier: str
    label: str
    category: str
    centre: str
    amount_ht: Decimal
    vat_rate: Decimal
    vat: Decimal
    amount_ttc: Decimal


def expense_vat_lines(*, start: date, end: date) -> list[ExpenseVatLine]:
    """The period's expenses (inclusive), oldest first, each with its HT, rate, VAT and TTC: what an
    accounting export books (charge account by category, deductible VAT by rate, the supplier)."""
    return [
        ExpenseVatLine(
            expense_id=e.pk,
            date=e.date,
            reference=e.reference,
            supplier=e.supplier,
            label=e.label,
            category=e.category.name if e.category else "",
            centre=e.centre.name,
            amount_ht=e.amount_ht,
            vat_rate=e.vat_rate,
            vat=e.vat,
            amount_ttc=e.amount_ttc,
        )
        for e in expense_list(start=start, end=end).order_by("date", "id")
    ]


def _period(year: int | None, month: int | None) -> tuple[date | None, date | None]:
    if year is None:
        return None, None
    if month is None:
        return date(year, 1, 1), date(year, 12, 31)
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _spent(
    year: int | None, month: int | None, end: date | None = None
) -> dict[tuple[int, int, int], tuple[Decimal, Decimal]]:
    """{(year, month, centre id): (HT, TTC)} of the expenses and, in the purchases centre, the invoices."""
    start, period_end = _period(year, month)
    end = min(end, period_end) if end and period_end else end or period_end
    rows = (
        expense_list(start=start, end=end)
        .annotate(year=ExtractYear("date"), month=ExtractMonth("date"))
        .values("year", "month", "centre_id")
        .annotate(ht=Coalesce(Sum("amount_ht"), ZERO), ttc=Coalesce(Sum("amount_ttc"), ZERO))
        .order_by()
    )
    spent: dict[tuple[int, int, int], tuple[Decimal, Decimal]] = defaultdict(lambda: (ZERO, ZERO))
    for row in rows:
        if month is None or row["month"] == month:
            spent[row["year"], row["month"], row["centre_id"]] = (row["ht"], row["ttc"])
    purchases = CostCentre.objects.filter(is_purchases=True).first()
    if purchases is not None:
        for invoices in spend_by_month(start=start, end=end):
            key = (invoices["month"].year, invoices["month"].month, purchases.pk)
            if month is not None and key[1] != month:
                continue
            ht, ttc = spent[key]
            spent[key] = (ht + invoices["total_net"], ttc + invoices["total_gross"])
    return spent


def execution_pct(*, total_ht: Decimal, budget: Decimal | None) -> Decimal | None:
    """total_ht / monthly budget x 100, to 0.1; None when the centre has no budget (or a zero one)."""
    if not budget:
        return None
    return (total_ht / budget * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def expense_synthesis(*, year: int | None = None, month: int | None = None) -> list[dict[str, Any]]:
    """Per month and centre: totals HT and TTC, the monthly budget and its execution %, newest month
    first. A month with any spending lists every active centre that has a budget (0 spent is news too);
    the month asked for by year and month is listed even when nothing was spent."""
    spent = _spent(year, month)
    months = {(y, m) for y, m, _ in spent}
    if year is not None and month is not None:
        months.add((year, month))
    centres = {centre.pk: centre for centre in CostCentre.objects.all()}
    budgeted = [c.pk for c in centres.values() if c.is_active and c.monthly_budget is not None]
    rows: list[dict[str, Any]] = []
    for y, m in months:
        for centre_id in {c for (sy, sm, c) in spent if (sy, sm) == (y, m)} | set(budgeted):
            centre = centres[centre_id]
            ht, ttc = spent.get((y, m, centre_id), (ZERO, ZERO))
            rows.append(
                {
                    "year": y,
                    "month": m,
                    "year_month": f"{y:04d}-{m:02d}",
                    "centre_id": centre.pk,
                    "centre": centre.name,
                    "kind": centre.kind,
                    "total_ht": ht,
                    "total_ttc": ttc,
                    "monthly_budget": centre.monthly_budget,
                    "execution_pct": execution_pct(total_ht=ht, budget=centre.monthly_budget),
                }
            )
    rows.sort(key=lambda r: (-r["year"], -r["month"], r["centre"]))
    return rows


def expense_month_total(*, day: date) -> Decimal:
    """HT spent in `day`'s month up to `day` inclusive, on the synthesis's base (expenses plus the
    purchases centre's invoices)."""
    spent = _spent(day.year, day.month, end=day)
    return sum((ht for ht, _ in spent.values()), ZERO)
