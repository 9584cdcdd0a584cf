"""Reads of the product master: lookups, the product query, the classification rules, spend by category."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from .models import Category, ClassificationRule, PriceAlert, Product
from .normalise import Rule, rule_compile, rule_match
from .taxonomy import FALLBACK_CODE

# Columns a product list may sort by.
SORTABLE = ("total_gross", "avg_unit_price", "total_unit_quantity", "purchase_count", "designation")
UNCLASSIFIED = "Non classé"  # shown as is, like a category name
ZERO = Decimal("0.00")


def product_query(
    *,
    q: str = "",
    family_name: str = "",
    category_name: str = "",
    vat_rate: Decimal | None = None,
    sort_by: str = "designation",
    descending: bool = False,
) -> QuerySet[Product]:
    """Products matching the filters, sorted (NULLS LAST either way, then the id, so pages never overlap)."""
    products = Product.objects.all()
    if q:
        products = products.filter(
            Q(designation__icontains=q)
            | Q(ean__startswith=q)
            | Q(article_number__startswith=q)
            | Q(brand__icontains=q)
        )
    if family_name:
        products = products.filter(family_name__iexact=family_name)
    if category_name:
        products = products.filter(category_name__iexact=category_name)
    if vat_rate is not None:
        products = products.filter(vat_rate=vat_rate)
    if sort_by not in SORTABLE:
        raise ValueError(f"cannot sort products by {sort_by!r}")
    column = F(sort_by)
    expression = column.desc(nulls_last=True) if descending else column.asc(nulls_last=True)
    return products.order_by(expression, "id")


def product_get(*, product_id: int) -> Product | None:
    return Product.objects.filter(pk=product_id).first()


def product_in_bulk(*, product_ids: list[int]) -> dict[int, Product]:
    return Product.objects.in_bulk(product_ids)


def product_get_by_ean(*, ean: str) -> Product | None:
    return Product.objects.filter(ean=ean).order_by("id").first()


def product_count() -> int:
    return Product.objects.count()


def product_top(*, limit: int) -> list[Product]:
    return list(Product.objects.order_by("-total_gross", "id")[:limit])


def classification_rules() -> tuple[Rule, ...]:
    """The active rules, compiled, in the order they apply (a pattern that does not compile is skipped)."""
    rows = ClassificationRule.objects.filter(is_active=True).order_by("priority", "id")
    compiled = (
        rule_compile(rule_id=row.pk, field=row.field, pattern=row.pattern, category_id=row.category_id)
        for row in rows
    )
    return tuple(rule for rule in compiled if rule is not None)


def category_names() -> dict[int, tuple[str, str, str]]:
    """(family, name, subcategory) by category id."""
    return {c.pk: (c.family, c.name, c.subcategory) for c in Category.objects.all()}


def _pct(part: Decimal | None, whole: Decimal) -> Decimal:
    if not whole or part is None:
        return ZERO
    return (part * 100 / whole).quantize(Decimal("0.01"))


def _named_category() -> Coalesce:
    return Coalesce(NullIf("category_name", Value("")), Value(UNCLASSIFIED))


def spend_by_category() -> list[dict[str, Any]]:
    """Per category name: product count, units, spend HT and VAT, share of the spend."""
    rows = list(
        Product.objects.values(category_label=_named_category())
        .annotate(
            product_count=Count("id"),
            unit_quantity=Sum("total_unit_quantity"),
            total_net=Sum("total_net"),
            total_vat=Sum("total_vat"),
        )
        .order_by("-total_net", "category_label")
    )
    whole = sum((row["total_net"] or ZERO for row in rows), ZERO)
    return [{**row, "share_pct": _pct(row["total_net"], whole)} for row in rows]


def spend_by_vat_rate() -> list[dict[str, Any]]:
    rows = list(
        Product.objects.values("vat_rate")
        .annotate(product_count=Count("id"), total_net=Sum("total_net"), total_vat=Sum("total_vat"))
        .order_by("vat_rate")
    )
    whole = sum((row["total_net"] or ZERO for row in rows), ZERO)
    return [{**row, "share_pct": _pct(row["total_net"], whole)} for row in rows]


def product_count_by_category() -> list[dict[str, Any]]:
    rows = (
        Product.objects.values(category_label=_named_category())
        .annotate(count=Count("id"))
        .order_by("category_label")
    )
    return list(rows)


def price_alert_list(*, seen: bool | None = None) -> QuerySet[PriceAlert]:
    alerts = PriceAlert.objects.select_related("product")
    if seen is not None:
        alerts = alerts.filter(seen=seen)
    return alerts.order_by("-date", "-id")


class PriceAlertRow(NamedTuple):
    """A price alert as the lists show it, with its product's name."""

    id: int
    product_id: int
    product_designation: str
    source: str
    document_id: int
    document_number: str
    date: datetime.date
    old_price: Decimal
    new_price: Decimal
    change_pct: Decimal
    seen: bool


_ROW_COLUMNS = tuple(
    "product__designation" if name == "product_designation" else name for name in PriceAlertRow._fields
)


def price_alert_rows(*, seen: bool | None = None, limit: int) -> list[PriceAlertRow]:
    """The newest `limit` alerts of `price_alert_list`, as tuples: making 1,000 alerts and their products
    (some 30 columns each) model instances takes ten times as long as reading them."""
    rows = price_alert_list(seen=seen).values_list(*_ROW_COLUMNS)[:limit]
    return [PriceAlertRow._make(row) for row in rows]


def price_alert_row(*, alert: PriceAlert) -> PriceAlertRow:
    """The row `price_alert_rows` would read for this alert (its product read if not yet)."""
    return PriceAlertRow._make(
        alert.product.designation if name == "product_designation" else getattr(alert, name)
        for name in PriceAlertRow._fields
    )


def price_alert_get(*, alert_id: int) -> PriceAlert | None:
    return PriceAlert.objects.select_related("product").filter(pk=alert_id).first()


def taxonomy(*, family: str = "", ingredients_only: bool = False) -> list[Category]:
    categories = Category.objects.filter(code__isnull=False)
    if family:
        categories = categories.filter(family__iexact=family)
    if ingredients_only:
        categories = categories.filter(is_ingredient=True)
    return list(categories.order_by("family_order", "category_order", "code"))


def classification_preview(*, limit: int) -> dict[str, Any]:
    """What the current rules would make of each product (nothing written): up to `limit` products per
    category code, with the pattern that matched; products no rule matches fall under the fallback."""
    rules = classification_rules()
    patterns = {rule.id: rule for rule in rules}
    codes = dict(Category.objects.filter(code__isnull=False).values_list("pk", "code"))
    preview: dict[str, list[dict[str, Any]]] = {}
    # Tuples, not model instances: every product is read, and the rules' regexes are the work to keep.
    products = Product.objects.order_by("id").values_list(
        "id", "designation", "normalised_designation", "supplier_section"
    )
    total = 0
    for product_id, designation, normalised, section in products:
        total += 1
        rule = rule_match(rules, designation=normalised, supplier_section=section)
        code = (codes.get(rule.category_id) if rule else None) or FALLBACK_CODE
        shown = preview.setdefault(code, [])
        if len(shown) < limit:
            pattern = patterns[rule.id].regex.pattern if rule else ""
            shown.append({"id": product_id, "name": designation, "pattern": pattern})
    return {"total_products": total, "preview": preview}


def classification_report(*, samples: int = 20) -> dict[str, Any]:
    """How the products are classified now: per category code, and some of those no rule matched."""
    fallback = Q(category__isnull=True) | Q(category__code=FALLBACK_CODE)
    total = Product.objects.count()
    unclassified = Product.objects.filter(fallback)
    per_code = (
        Product.objects.exclude(fallback)
        .values("category__code")
        .annotate(n=Count("id"))
        .order_by("category__code")
    )
    classified = total - unclassified.count()
    return {
        "total": total,
        "classified": classified,
        "unclassified": total - classified,
        "rate": (Decimal(classified * 100) / total).quantize(Decimal("0.1")) if total else Decimal(0),
        "categories": {row["category__code"] or FALLBACK_CODE: row["n"] for row in per_code},
        "unclassified_samples": list(
            unclassified.order_by("id").values_list("designation", flat=True)[:samples]
        ),
    }
