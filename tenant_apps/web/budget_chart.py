"""Budget against spending per cost centre, drawn on the server as SVG (no script, no style attribute):
the budget is an outlined bar, the spending a filled one over it, both scaled to the largest of either."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .formatting import money_fr, percent_fr


@dataclass(frozen=True)
class BudgetBar:
    label: str
    kind: str
    spent: str
    budget: str
    execution: str
    spent_width: float  # 0-100, of the scale
    budget_width: float | None  # None: no budget
    over: bool


def budget_bars(rows: Iterable[dict[str, Any]]) -> list[BudgetBar]:
    """Synthesis rows of one month (expenses.selectors.expense_synthesis) → one bar per centre."""
    rows = list(rows)
    scale = max(
        (max(abs(r["total_ht"]), r["monthly_budget"] or Decimal(0)) for r in rows), default=Decimal(0)
    )

    def width(amount: Decimal) -> float:
        return float(abs(amount) * 100 / scale) if scale else 0.0

    return [
        BudgetBar(
            label=row["centre"],
            kind="Fixe" if row["kind"] == "fixe" else "Variable",
            spent=money_fr(row["total_ht"]),
            budget=money_fr(row["monthly_budget"]) if row["monthly_budget"] is not None else "sans budget",
            execution=percent_fr(row["execution_pct"]) if row["execution_pct"] is not None else "—",
            spent_width=width(row["total_ht"]),
            budget_width=width(row["monthly_budget"]) if row["monthly_budget"] is not None else None,
            over=row["monthly_budget"] is not None and row["total_ht"] > row["monthly_budget"],
        )
        for row in rows
    ]
