"""Pages of query results, and the catalogue's products a page at a time."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from tenant_apps.catalog.selectors import product_query


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


def product_list(*, page: int, per_page: int, **filters: Any) -> Page:
    """A page of the catalogue's products (`filters`: those of catalog.selectors.product_query)."""
    return paginate(product_query(**filters), page=page, per_page=per_page)
