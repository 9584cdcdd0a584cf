"""Load a parsed SumUp export into the current tenant: one transaction per chunk of orders.

Idempotent by the till's order id: a chunk first reads which of its orders are already stored and loads
only the others, so importing an export again (or finishing one a crash interrupted) writes nothing twice.
Two imports of the same export at once collide on `Order.till_id`'s unique index: the losing chunk rolls
back whole and is read again, finding the other's orders. An order with a blocking issue (its lines do not
sum to its totals, a line's VAT fits no rate, …) is reported and left out unless the import is forced.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from sumup_etl import Export
from sumup_etl import Order as TillOrder
from tenant_apps.stock.valuation import stock_valuation_refresh

from ..models import ImportSource, ImportStatus, Order, OrderLine, OrderPayment, SalesImport
from .consumption import Recipes, establishment_sites, recipes_load, sale_exits_write
from .daily import daily_sales_add, daily_sales_ensure
from .dishes import dishes_from_till

CHUNK_SIZE = 500
MAX_REPORTED = 100  # invalid orders listed in a result; the counts cover them all
ATTEMPTS = 2


@dataclass
class ImportResult:
    order_count: int = 0
    imported: int = 0
    duplicates: int = 0
    invalid: int = 0
    forced: int = 0
    lines: int = 0
    ca_ttc: Decimal = Decimal("0.00")
    warnings: int = 0
    exits: int = 0  # stock movements written through recipes
    invalid_orders: list[dict[str, Any]] = field(default_factory=list)
    duration_ms: int = 0

    def as_json(self) -> dict[str, Any]:
        """The outcome under the contract's names (as the METRO import's)."""
        return {
            "success": True,
            "nb_commandes": self.order_count,
            "nb_commandes_importees": self.imported,
            "nb_doublons": self.duplicates,
            "nb_invalides": self.invalid,
            "nb_forcees": self.forced,
            "nb_lignes_importees": self.lines,
            "ca_ttc_importe": str(self.ca_ttc),
            "nb_avertissements": self.warnings,
            "nb_sorties_stock": self.exits,
            "commandes_invalides": self.invalid_orders,
            "erreurs": [],
            "duree_ms": self.duration_ms,
        }


def sales_import_create(
    *, source: ImportSource, user_id: UUID | None, force: bool, order_count: int = 0
) -> SalesImport:
    return SalesImport.objects.create(
        source=source, created_by_id=user_id, force=force, order_count=order_count
    )


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    # The till writes wall-clock time; in the autumn's repeated hour the first occurrence is taken (fold=0).
    return moment.replace(tzinfo=zone)


def _order_row(order: TillOrder, *, zone: ZoneInfo, sales_import: SalesImport) -> Order:
    return Order(
        till_id=order.order_id,
        establishment_id=order.establishment_id[:64],
        establishment=order.establishment[:128],
        opened_at=_aware(order.opened_at, zone),
        closed_at=_aware(order.closed_at, zone),
        name=(order.name or "")[:255],
        custom_id=(order.custom_id or "")[:64],
        waiter=(order.waiter or "")[:128],
        table=(order.table or "")[:64],
        covers=order.covers,
        duration=order.duration,
        status=order.status[:16],
        total_ttc=order.total_ttc,
        total_ht=order.total_ht,
        total_vat=order.total_vat,
        total_paid=order.total_paid,
        forced=not order.is_valid,
        issues=[{"code": i.code.value, "message": i.message} for i in order.issues],
        sales_import=sales_import,
    )


def _children(
    order: TillOrder, stored: Order, dish_ids: dict[str, int]
) -> tuple[list[OrderLine], list[OrderPayment]]:
    lines = [
        OrderLine(
            order=stored,
            position=line.position,
            product_name=line.product[:255],
            dish_id=dish_ids.get(line.product[:255]),
            sku=(line.sku or "")[:64],
            quantity=line.quantity,
            unit_price_ttc=line.unit_price_ttc,
            discount=line.discount,
            ca_ttc=line.ca_ttc,
            ca_ht=line.ca_ht,
            vat_amount=line.vat_amount,
            vat_rate=line.vat_rate,
            note=(line.note or "")[:255],
            closed_at=stored.closed_at,
        )
        for line in order.lines
    ]
    payments = [
        OrderPayment(order=stored, position=position, method=payment.method[:64], amount=payment.amount)
        for position, payment in enumerate(order.payments, start=1)
    ]
    return lines, payments


def _invalid_entry(order: TillOrder) -> dict[str, Any]:
    return {
        "id_commande": order.order_id,
        "date_fermeture": order.closed_at.isoformat(),
        "problemes": [{"code": i.code.value, "message": i.message} for i in order.issues if i.blocking],
    }


@dataclass(frozen=True)
class _Load:
    """What every chunk of one import shares."""

    zone: ZoneInfo
    sales_import: SalesImport
    force: bool
    dish_ids: dict[str, int]  # till product name → dish
    sites: dict[str, int]  # establishment → stock site
    recipes: Recipes


def _chunk_write(chunk: Sequence[TillOrder], *, load: _Load, result: ImportResult) -> None:
    """One chunk in one transaction: the orders not stored yet, their lines and payments, and the stock
    exits of their dishes (so an order and its consumption commit together)."""
    zone, sales_import, force = load.zone, load.sales_import, load.force
    ids = [order.order_id for order in chunk]
    known = set(Order.objects.filter(till_id__in=ids).values_list("till_id", flat=True))
    fresh = [order for order in chunk if order.order_id not in known]
    loadable = [order for order in fresh if order.is_valid or force]
    stored = Order.objects.bulk_create(
        [_order_row(order, zone=zone, sales_import=sales_import) for order in loadable]
    )
    lines: list[OrderLine] = []
    payments: list[OrderPayment] = []
    for order, row in zip(loadable, stored, strict=True):
        order_lines, order_payments = _children(order, row, load.dish_ids)
        lines += order_lines
        payments += order_payments
    OrderLine.objects.bulk_create(lines)
    OrderPayment.objects.bulk_create(payments)
    daily_sales_add(lines=lines, zone=zone)
    result.exits += sale_exits_write(lines=lines, sites=load.sites, recipes=load.recipes)
    result.duplicates += len(known)
    result.imported += len(loadable)
    result.forced += sum(1 for order in loadable if not order.is_valid)
    result.lines += len(lines)
    result.ca_ttc += sum((order.total_ttc for order in loadable), Decimal("0.00"))
    for order in fresh:
        if not order.is_valid and not force:
            result.invalid += 1
            if len(result.invalid_orders) < MAX_REPORTED:
                result.invalid_orders.append(_invalid_entry(order))


def _chunk_load(chunk: Sequence[TillOrder], **kwargs: Any) -> None:
    result: ImportResult = kwargs["result"]
    for attempt in range(ATTEMPTS):
        before = ImportResult(**vars(result) | {"invalid_orders": list(result.invalid_orders)})
        try:
            with transaction.atomic():
                _chunk_write(chunk, **kwargs)
            return
        except IntegrityError:
            # Another import stored some of these orders first: roll back, read again, skip them.
            vars(result).update(vars(before))
            if attempt == ATTEMPTS - 1:
                raise


def _progress_save(sales_import: SalesImport, *, result: ImportResult, orders: int) -> None:
    sales_import.processed_count += orders
    sales_import.imported_count, sales_import.line_count = result.imported, result.lines
    sales_import.save(update_fields=["processed_count", "imported_count", "line_count"])


def export_load(
    *,
    export: Export,
    sales_import: SalesImport,
    time_zone: ZoneInfo,
    force: bool = False,
    chunk_size: int | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> ImportResult:
    """Load every order of `export` not stored yet; `on_chunk(n)` after each chunk of n orders commits.

    Then the stock exits written are valued (once, forward from the earliest).
    """
    started = time.perf_counter()
    result = ImportResult(order_count=len(export.orders))
    result.warnings = sum(1 for issue in export.all_issues() if not issue.blocking)
    sales_import.status, sales_import.started_at = ImportStatus.RUNNING, timezone.now()
    sales_import.order_count = result.order_count
    sales_import.save(update_fields=["status", "started_at", "order_count"])
    try:
        daily_sales_ensure(zone=time_zone)
        load = _Load(
            zone=time_zone, sales_import=sales_import, force=force,
            dish_ids=dishes_from_till(products=export.products),
            sites=establishment_sites(orders=export.orders), recipes=recipes_load(),
        )  # fmt: skip
        for chunk in export.chunks(chunk_size or CHUNK_SIZE):
            _chunk_load(chunk, load=load, result=result)
            _progress_save(sales_import, result=result, orders=len(chunk))
            if on_chunk is not None:
                on_chunk(len(chunk))
    except Exception:
        # The chunks committed so far stay (a re-run skips them); the run is marked failed, then re-raised.
        SalesImport.objects.filter(pk=sales_import.pk).update(
            status=ImportStatus.FAILED, finished_at=timezone.now()
        )
        raise
    if result.exits:
        stock_valuation_refresh()
    result.duration_ms = round((time.perf_counter() - started) * 1000)
    sales_import.status, sales_import.finished_at = ImportStatus.DONE, timezone.now()
    sales_import.result = result.as_json()
    sales_import.save(update_fields=["status", "finished_at", "result"])
    return result
