"""Chart data: uPlot series (sent as JSON data blocks, drawn by static/web/charts.js) and horizontal bars
drawn on the server as SVG (no script, no style attribute: widths are SVG presentation attributes)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .formatting import money_fr, percent_fr


@dataclass(frozen=True)
class Bar:
    label: str
    value: str
    share: str
    width: float  # 0-100, of the widest bar


def bars(rows: Iterable[tuple[str, Decimal | None, Decimal | None]], *, limit: int = 12) -> list[Bar]:
    """(label, amount, percent) rows → bars scaled to the largest amount."""
    items = [(label, amount or Decimal(0), pct) for label, amount, pct in rows][:limit]
    widest = max((abs(amount) for _, amount, _ in items), default=Decimal(0))
    return [
        Bar(
            label=label,
            value=money_fr(amount),
            share=percent_fr(pct) if pct is not None else "",
            width=float(abs(amount) * 100 / widest) if widest else 0.0,
        )
        for label, amount, pct in items
    ]


def monthly_series(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """uPlot's columns for the spend per month, one slot per month (labelled 12/2025)."""
    return {
        "kind": "bars",
        "labels": [row["month"].strftime("%m/%Y") for row in rows],
        "series": [
            {"label": "Total HT (€)", "values": [float(row["total_net"]) for row in rows]},
            {"label": "TVA (€)", "values": [float(row["total_vat"]) for row in rows]},
        ],
    }


def price_series(points: list[Any]) -> dict[str, Any]:
    """uPlot's columns for a product's price history: one slot per purchase (labelled 05/12/2026)."""
    return {
        "kind": "line",
        "labels": [point.date.strftime("%d/%m/%Y") for point in points],
        "series": [{"label": "Prix unitaire (€)", "values": [float(point.unit_price) for point in points]}],
    }
