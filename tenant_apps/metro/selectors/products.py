"""Products: the paginated, filtered, sorted list and single lookups."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, Q, QuerySet

from ..models import Product

SORTABLE = ("montant_total", "prix_unitaire_moyen", "quantite_unitaire_totale", "nb_achats", "designation")


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page) if self.total else 0


def paginate(queryset: QuerySet[Any], *, page: int, per_page: int) -> Page:
    """Two queries: the count and the page (an out-of-range page is simply empty)."""
    total = queryset.count()
    start = (page - 1) * per_page
    items = list(queryset[start : start + per_page]) if start < total else []
    return Page(items=items, total=total, page=page, per_page=per_page)


def product_list(
    *,
    page: int,
    per_page: int,
    q: str = "",
    famille: str = "",
    categorie: str = "",
    taux_tva: Decimal | None = None,
    sort_by: str = "designation",
    sort_order: str = "asc",
) -> Page:
    products = Product.objects.all()
    if q:
        products = products.filter(
            Q(designation__icontains=q)
            | Q(ean__startswith=q)
            | Q(article_numero__startswith=q)
            | Q(marque__icontains=q)
        )
    if famille:
        products = products.filter(famille__iexact=famille)
    if categorie:
        products = products.filter(categorie__iexact=categorie)
    if taux_tva is not None:
        products = products.filter(taux_tva=taux_tva)
    assert sort_by in SORTABLE
    # NULLS LAST either way, then the id, so that pages never overlap.
    column = F(sort_by)
    expression = column.desc(nulls_last=True) if sort_order == "desc" else column.asc(nulls_last=True)
    return paginate(products.order_by(expression, "id"), page=page, per_page=per_page)


def product_get(*, product_id: int) -> Product | None:
    return Product.objects.filter(pk=product_id).first()


def product_get_by_ean(*, ean: str) -> Product | None:
    return Product.objects.filter(ean=ean).order_by("id").first()
