"""The catalogue as the owner sees it: each product with its purchase price, margin and stock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db import connection
from django.db.models import (
    Case,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from shared_apps.core.pagination import Page
from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tenant_apps.stock.models import ExitReason, MovementKind, StockDay, StockLevel, StockMovement
from tenant_apps.stock.selectors import consumption_30d

OVERSTOCK_DAYS = 60  # the default of the tenant's `overstock_days` setting
LOW_MARGIN, HIGH_MARGIN = Decimal(20), Decimal(40)
RECENT_MOVEMENTS = 10


@dataclass(frozen=True)
class CatalogItem:
    """A product with what the owner reads next to it: stock now, margin, days of stock."""

    product: Product
    stock_quantity: Decimal
    stock_value: Decimal
    margin_pct: Decimal | None
    consumption: Decimal  # units gone per day over the last 30 days
    days_of_stock: Decimal | None


@dataclass(frozen=True)
class CatalogDetail(CatalogItem):
    recent_movements: list[StockMovement]
    sales_30d: Decimal
    trend_stock_pct: Decimal | None
    overstock: bool


def _now_at_sites(column: str, site_id: int | None) -> Coalesce:
    """Σ over the sites (or at one) of the product's current `column` (stock.StockLevel)."""
    levels = StockLevel.objects.filter(product=OuterRef("pk"))
    if site_id is not None:
        levels = levels.filter(site_id=site_id)
    total = levels.order_by().values("product").annotate(total=Sum(column)).values("total")
    return Coalesce(
        Subquery(total), Value(Decimal(0)), output_field=DecimalField(max_digits=14, decimal_places=3)
    )


def catalog_query(*, site_id: int | None = None) -> QuerySet[Product]:
    money: DecimalField[Decimal, Decimal] = DecimalField(max_digits=14, decimal_places=3)
    margin = ExpressionWrapper((F("selling_price") - F("avg_unit_price")) * 100 / F("selling_price"), money)
    return Product.objects.annotate(
        stock_quantity=_now_at_sites("quantity", site_id),
        stock_value=_now_at_sites("value", site_id),
        margin_pct=Case(When(selling_price__gt=0, then=margin), default=Value(None), output_field=money),
    )


def catalog_page(
    *,
    page: int,
    per_page: int,
    q: str = "",
    family: str = "",
    category_id: int | None = None,
    stock_status: str = "",
    margin_band: str = "",
    site_id: int | None = None,
) -> Page[CatalogItem]:
    products = catalog_query(site_id=site_id)
    if q:
        products = products.filter(Q(designation__icontains=q) | Q(ean__startswith=q) | Q(brand__icontains=q))
    if family:
        products = products.filter(family_name__iexact=family)
    if category_id is not None:
        products = products.filter(category_id=category_id)
    products = _stock_filtered(products, stock_status)
    products = _margin_filtered(products, margin_band)
    total = products.count()
    start = (page - 1) * per_page
    rows = list(products.order_by("designation", "id")[start : start + per_page]) if start < total else []
    return Page(items=_items(rows, site_id=site_id), total=total, page=page, per_page=per_page)


def _stock_filtered(products: QuerySet[Product], status: str) -> QuerySet[Product]:
    low = Q(alert_threshold__isnull=False, stock_quantity__lte=F("alert_threshold"))
    if status == "rupture":
        return products.filter(Q(stock_quantity__lte=0))
    if status == "low":
        return products.filter(low & Q(stock_quantity__gt=0))
    if status == "ok":
        return products.filter(Q(stock_quantity__gt=0)).exclude(low)
    return products


def stock_status_counts(*, site_id: int | None = None) -> dict[str, int]:
    """How many products are out of stock, and how many under their alert threshold (the list's filters)."""
    products = catalog_query(site_id=site_id)
    return {status: _stock_filtered(products, status).count() for status in ("rupture", "low")}


def _margin_filtered(products: QuerySet[Product], band: str) -> QuerySet[Product]:
    # Q objects: the annotation is not a model field, which the filter keywords' type check expects.
    if band == "low":
        return products.filter(Q(margin_pct__lt=LOW_MARGIN))
    if band == "medium":
        return products.filter(Q(margin_pct__gte=LOW_MARGIN) & Q(margin_pct__lte=HIGH_MARGIN))
    if band == "high":
        return products.filter(Q(margin_pct__gt=HIGH_MARGIN))
    return products


def _items(products: list[Any], *, site_id: int | None, today: date | None = None) -> list[CatalogItem]:
    """Catalogue items of annotated products (catalog_query), with their 30-day consumption."""
    per_day = consumption_30d(product_ids=[p.pk for p in products], today=today or _today(), site_id=site_id)
    items = []
    for product in products:
        consumption = per_day.get(product.pk, Decimal(0))
        days = (product.stock_quantity / consumption).quantize(Decimal("0.1")) if consumption else None
        items.append(
            CatalogItem(
                product=product,
                stock_quantity=product.stock_quantity,
                stock_value=product.stock_value,
                margin_pct=product.margin_pct,
                consumption=consumption,
                days_of_stock=days,
            )
        )
    return items


def _today() -> date:
    return date.today()  # noqa: DTZ011 - the tenant's calendar day, as movements are dated


def catalog_product(*, product_id: int, site_id: int | None = None) -> CatalogDetail | None:
    """One product with the list's fields and the detail's: recent movements, sales, trend."""
    product = catalog_query(site_id=site_id).filter(pk=product_id).first()
    if product is None:
        return None
    today = _today()
    [item] = _items([product], site_id=site_id, today=today)
    movements = StockMovement.objects.filter(product_id=product_id)
    if site_id is not None:
        movements = movements.filter(site_id=site_id)
    month_ago = today - timedelta(days=30)
    sales = movements.filter(kind=MovementKind.EXIT, reason=ExitReason.SALE, date__gt=month_ago)
    before = _quantity_on(product_id, month_ago, site_id)
    return CatalogDetail(
        **{name: getattr(item, name) for name in CatalogItem.__dataclass_fields__},
        recent_movements=list(movements.order_by("-date", "-id")[:RECENT_MOVEMENTS]),
        sales_30d=-sum((m.quantity for m in sales), Decimal(0)),
        trend_stock_pct=((item.stock_quantity - before) * 100 / before).quantize(Decimal("0.1"))
        if before
        else None,
        overstock=item.days_of_stock is not None and item.days_of_stock > overstock_days(),
    )


def overstock_days() -> Decimal:
    """The tenant's setting, read by schema (as every tenant-side read here, routed by the request)."""
    schema = cast(Any, connection).schema_name
    settings = Tenant.objects.filter(schema_name=schema).values_list("settings", flat=True).first() or {}
    return Decimal(str(settings.get("overstock_days", OVERSTOCK_DAYS)))


def _quantity_on(product_id: int, day: date, site_id: int | None) -> Decimal:
    days = StockDay.objects.filter(product_id=product_id, date__lte=day)
    if site_id is not None:
        days = days.filter(site_id=site_id)
    latest = days.order_by("site_id", "-date").distinct("site_id").values_list("quantity", flat=True)
    return sum(latest, Decimal(0))


def families() -> list[str]:
    names = (
        Product.objects.exclude(family_name="").order_by().values_list("family_name", flat=True).distinct()
    )
    return sorted(names)
