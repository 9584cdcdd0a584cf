"""Spend statistics over the product aggregates and the invoices (a handful of GROUP BY queries)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Min, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth

from ..models import Invoice, PriceHistory, Product

UNCLASSIFIED = "Non classé"
ZERO = Decimal("0.00")


def _pct(part: Decimal | None, whole: Decimal) -> Decimal:
    if not whole or part is None:
        return ZERO
    return (part * 100 / whole).quantize(Decimal("0.01"))


def summary() -> dict[str, Any]:
    """Totals as printed (credit notes count negative), article lines only."""
    totals = Invoice.objects.aggregate(
        nb_factures=Count("id"),
        nb_lignes=Coalesce(Sum("nb_lignes"), 0),
        total_ht=Coalesce(Sum("total_ht"), ZERO),
        total_tva=Coalesce(Sum("total_tva"), ZERO),
        total_ttc=Coalesce(Sum("total_ttc"), ZERO),
        date_premiere_facture=Min("date_facture"),
        date_derniere_facture=Max("date_facture"),
    )
    return {**totals, "nb_produits": Product.objects.count()}


def stats_categories() -> list[dict[str, Any]]:
    rows = list(
        Product.objects.values(categorie_nom=Coalesce(NullIf("categorie", Value("")), Value(UNCLASSIFIED)))
        .annotate(
            nb_produits=Count("id"),
            quantite_totale=Sum("quantite_unitaire_totale"),
            montant_total_ht=Sum("montant_total_ht"),
            montant_total_tva=Sum("montant_total_tva"),
        )
        .order_by("-montant_total_ht", "categorie_nom")
    )
    whole = sum((row["montant_total_ht"] or ZERO for row in rows), ZERO)
    return [
        {
            "categorie": row.pop("categorie_nom"),
            **row,
            "pct_ca": _pct(row["montant_total_ht"], whole),
        }
        for row in rows
    ]


def stats_tva() -> list[dict[str, Any]]:
    rows = list(
        Product.objects.values("taux_tva")
        .annotate(
            nb_produits=Count("id"), montant_ht=Sum("montant_total_ht"), montant_tva=Sum("montant_total_tva")
        )
        .order_by("taux_tva")
    )
    whole = sum((row["montant_ht"] or ZERO for row in rows), ZERO)
    return [{**row, "pct_total": _pct(row["montant_ht"], whole)} for row in rows]


def category_counts() -> list[dict[str, Any]]:
    rows = (
        Product.objects.values(categorie_nom=Coalesce(NullIf("categorie", Value("")), Value(UNCLASSIFIED)))
        .annotate(count=Count("id"))
        .order_by("categorie_nom")
    )
    return [{"categorie": row["categorie_nom"], "count": row["count"]} for row in rows]


def dashboard(*, top: int = 10) -> dict[str, Any]:
    return {
        "summary": summary(),
        "categories": stats_categories(),
        "tva_breakdown": stats_tva(),
        "top_produits": list(Product.objects.order_by("-montant_total", "id")[:top]),
    }


def spend_by_month() -> list[dict[str, Any]]:
    """Totals as printed per month of the invoice date (credit notes count negative)."""
    rows = (
        Invoice.objects.annotate(mois=TruncMonth("date_facture"))
        .values("mois")
        .annotate(
            nb_factures=Count("id"),
            total_ht=Coalesce(Sum("total_ht"), ZERO),
            total_tva=Coalesce(Sum("total_tva"), ZERO),
            total_ttc=Coalesce(Sum("total_ttc"), ZERO),
        )
        .order_by("mois")
    )
    return list(rows)


def price_history(*, product_id: int) -> list[PriceHistory]:
    """The unit prices a product was bought at, oldest first."""
    return list(PriceHistory.objects.filter(product_id=product_id).order_by("date", "id"))
