"""The catalogue's products a page at a time."""

from __future__ import annotations

from typing import Any

from shared_apps.core.pagination import Page, paginate
from tenant_apps.catalog.selectors import product_query


def product_list(*, page: int, per_page: int, **filters: Any) -> Page[Any]:
    """A page of the catalogue's products (`filters`: those of catalog.selectors.product_query)."""
    return paginate(product_query(**filters), page=page, per_page=per_page)
