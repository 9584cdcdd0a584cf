"""Writes of the stock app: sites, counts, exits and transfers; each then values what it wrote."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from shared_apps.audit.models import EventType
from shared_apps.core.exceptions import NotFound, ValidationFailed
from shared_apps.rbac.acting import audit_as_principal
from tenant_apps.catalog.models import Product

from .avco import Position
from .models import ExitReason, MovementKind, MovementSource, Site, StockCount, StockCountLine, StockMovement
from .selectors import positions_at_site
from .valuation import stock_valuation_refresh


@dataclass(frozen=True)
class CountLine:
    product_id: int
    counted: Decimal


def site_create(*, name: str) -> Site:
    return Site.objects.create(name=name.strip()[:128])


def site_update(*, site: Site, name: str) -> Site:
    site.name = name.strip()[:128]
    site.save(update_fields=["name"])
    return site


def site_resolve(*, site_id: int | None) -> Site:
    """The site asked for, or the tenant's only site when none is named."""
    if site_id is not None:
        site = Site.objects.filter(pk=site_id).first()
        if site is None:
            raise NotFound("Site introuvable.", code="unknown_site")
        return site
    sites = list(Site.objects.order_by("id")[:2])
    if len(sites) != 1:
        raise ValidationFailed("Name the site: this tenant has several (or none).", code="site_required")
    return sites[0]


def _checked(*, day: date, product_ids: Sequence[int]) -> None:
    """A day in the future or an unknown product is refused before anything is written."""
    if day > timezone.localdate():
        raise ValidationFailed("La date est dans le futur.", code="date_in_future")
    known = set(Product.objects.filter(pk__in=product_ids).values_list("pk", flat=True))
    for index, product_id in enumerate(product_ids):
        if product_id not in known:
            raise ValidationFailed(
                f"Line {index + 1}: no product {product_id}.",
                code="unknown_product",
                details={"ligne": index + 1, "produit_sk": product_id},
            )


@transaction.atomic
def stock_count_record(
    *, site: Site, day: date, lines: Sequence[CountLine], user_id: UUID | None
) -> StockCount:
    """Record a count: each line moves the stock to the counted quantity by a signed INVENTAIRE movement."""
    _checked(day=day, product_ids=[line.product_id for line in lines])
    for index, line in enumerate(lines):
        if line.counted < 0:
            raise ValidationFailed(
                f"Line {index + 1}: a count cannot be negative.",
                code="negative_count",
                details={"ligne": index + 1, "produit_sk": line.product_id},
            )
    stock_valuation_refresh()  # the expected quantities include everything recorded so far
    count = StockCount.objects.create(site=site, date=day, created_by_id=user_id)
    _count_lines_write(count=count, lines=lines)
    stock_valuation_refresh()
    audit_as_principal(
        event_type=EventType.STOCK_COUNTED,
        details={"count_id": count.pk, "site_id": site.pk, "date": day.isoformat(), "lines": len(lines)},
    )
    return count


class _Rollback(Exception):
    def __init__(self, lines: list[StockCountLine]) -> None:
        super().__init__("preview")
        self.lines = lines


def stock_count_preview(
    *, site: Site, day: date, lines: Sequence[CountLine], user_id: UUID | None
) -> list[StockCountLine]:
    """What recording the count would write (expected, counted, the movement's quantity and value), computed
    by recording it and rolling it back, so that a review shows what confirming writes and refuses what
    it refuses; nothing stays."""
    try:
        with transaction.atomic():
            count = stock_count_record(site=site, day=day, lines=lines, user_id=user_id)
            raise _Rollback(list(count.lines.select_related("movement").order_by("id")))
    except _Rollback as preview:
        return preview.lines


def _count_lines_write(*, count: StockCount, lines: Sequence[CountLine]) -> None:
    """Each line's INVENTAIRE movement (counted - expected, unvalued) and the line, in two statements."""
    before = positions_at_site(
        site_id=count.site_id, day=count.date, product_ids=[li.product_id for li in lines]
    )
    expected = [before.get(line.product_id, Position()).quantity for line in lines]
    movements = StockMovement.objects.bulk_create(
        StockMovement(site_id=count.site_id, product_id=line.product_id, date=count.date,
                      kind=MovementKind.COUNT, quantity=line.counted - was, source=MovementSource.COUNT,
                      source_ref=str(count.pk))
        for line, was in zip(lines, expected, strict=True)
    )  # fmt: skip
    StockCountLine.objects.bulk_create(
        StockCountLine(count=count, product_id=line.product_id, expected=was, counted=line.counted,
                       movement=movement)
        for line, was, movement in zip(lines, expected, movements, strict=True)
    )  # fmt: skip


@transaction.atomic
def stock_exit_record(
    *,
    site: Site,
    day: date,
    product_id: int,
    quantity: Decimal,
    reason: ExitReason,
    destination: Site | None = None,
) -> StockMovement:
    """An exit (sale, loss, staff meal, offered) or, with `destination`, a transfer: valued at the average."""
    _checked(day=day, product_ids=[product_id])
    if quantity <= 0:
        raise ValidationFailed("La quantité doit être positive.", code="invalid_quantity")
    kind = MovementKind.TRANSFER if destination is not None else MovementKind.EXIT
    out = StockMovement.objects.create(
        site=site,
        product_id=product_id,
        date=day,
        kind=kind,
        reason="" if destination is not None else reason,
        quantity=-quantity,
        source=MovementSource.MANUAL,
    )
    stock_valuation_refresh()
    out.refresh_from_db()
    if destination is not None:
        # The goods arrive at the value they left at (valuation.SELF_VALUED).
        StockMovement.objects.create(
            site=destination,
            product_id=product_id,
            date=day,
            kind=kind,
            quantity=quantity,
            value=-out.value,
            unit_cost=out.unit_cost,
            source=MovementSource.MANUAL,
            source_ref=str(out.pk),
        )
        stock_valuation_refresh()
    audit_as_principal(
        event_type=EventType.STOCK_MOVEMENT_RECORDED,
        details={"movement_id": out.pk, "kind": kind.value, "reason": out.reason, "site_id": site.pk,
         "destination_site_id": destination.pk if destination is not None else None,
         "product_id": product_id, "date": day.isoformat(), "quantity": str(quantity)},
    )  # fmt: skip
    return out
