"""The catalogue's products a page at a time."""

from __future__ import annotations

from typing import Any

from shared_apps.core.pagination import Page, paginate
from tenant_apps.catalog.selectors import product_query

# The columns of the product listing, read as plain rows: model instances cost more than the page's SQL.
PRODUCT_LIST_FIELDS = (
    "id",
    "ean",
    "article_number",
    "designation",
    "avg_pack_size",
    "unit",
    "unit_volume",
    "total_case_quantity",
    "total_unit_quantity",
    "total_net",
    "total_vat",
    "total_gross",
    "purchase_count",
    "avg_unit_price",
    "min_unit_price",
    "max_unit_price",
    "avg_case_price",
    "vat_rate",
    "vat_code",
    "category_id",
    "family_name",
    "category_name",
    "subcategory_name",
    "supplier_section",
    "brand",
    "volume_cl",
    "alcohol_degree",
    "excise_regime",
    "abv",
    "first_purchase",
    "last_purchase",
)


def product_list(*, page: int, per_page: int, **filters: Any) -> Page[dict[str, Any]]:
    """A page of the catalogue's products as dicts of PRODUCT_LIST_FIELDS (`filters`: those of
    catalog.selectors.product_query)."""
    rows = product_query(**filters).values(*PRODUCT_LIST_FIELDS)
    return paginate(rows, page=page, per_page=per_page)
