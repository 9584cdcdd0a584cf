"""Valuation: the unvalued movements get their value, and the daily positions are rebuilt from them.

Incremental: only the (product, site) pairs with an unvalued movement are touched, and only from the date of
their earliest one (a back-dated purchase changes the averages after it, so everything after it is redone);
the position of the day before comes from the stored days. A handful of statements whatever the number of
pairs: the movements of every pair in one read, the days in one delete and one insert, the values in one
update. Each level (the pair's position now) also keeps its sales so far, moved by the difference between
the days deleted and the days written, so the products sold most never need a sum over every sale. The
rules of the average are avco's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Min

from .avco import ZERO, Position, avco_apply
from .models import ExitReason, MovementKind, StockDay, StockLevel, StockMovement

Key = tuple[int, int]  # (product id, site id)
# Purchases and credit notes come with their printed value, a transfer's arrival with its departure's.
SELF_VALUED = (MovementKind.ENTRY,)


@dataclass
class _Day:
    position: Position
    previous: Position | None  # at the end of the pair's day before (None: its first day)
    entries: Decimal = ZERO
    exits: Decimal = ZERO
    sold: Decimal = ZERO  # the sale exits among the exits, and their value
    sold_value: Decimal = ZERO


@dataclass
class _Replay:
    days: dict[tuple[Key, date], _Day] = field(default_factory=dict)
    values: dict[int, tuple[Decimal, Decimal]] = field(default_factory=dict)  # movement id → (value, cost)


# Two refreshes of one tenant at once would both rewrite the same days: they take turns (a transaction-scoped
# advisory lock keyed by the schema). Loads do not wait for it: what they add after a refresh's snapshot
# stays unvalued, and the next refresh values it, forward from its date.
_LOCK_NAMESPACE = 0x53_544B  # "STK"


@transaction.atomic
def stock_valuation_refresh(*, redo: Mapping[Key, date] | None = None) -> int:
    """Value what is unvalued and rebuild the days after it; returns how many (product, site) pairs.

    `redo` names pairs to rebuild from a day although nothing of theirs is unvalued: movements were
    deleted there (a rewritten recipe's exits), which leaves no unvalued movement to start from.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", [_LOCK_NAMESPACE])
    since = {
        (row["product_id"], row["site_id"]): row["since"]
        for row in StockMovement.objects.filter(valued=False)
        .values("product_id", "site_id")
        .annotate(since=Min("date"))
        .order_by()
    }
    for key, day in (redo or {}).items():
        since[key] = min(day, since.get(key, day))
    if not since:
        return 0
    before = _positions_before(since)
    replay = _replay(since, before)  # leaves each pair's last position in `before`
    sold = _days_replace(since, replay)
    _values_save(replay)
    _levels_save({key: before.get(key, Position()) for key in since}, sold)
    return len(since)


def _positions_before(since: dict[Key, date]) -> dict[Key, Position]:
    """The position of each pair at the end of its last day before `since`."""
    products = {product for product, _ in since}
    rows = (
        StockDay.objects.filter(product_id__in=products)
        .order_by("product_id", "site_id", "-date")
        .values_list("product_id", "site_id", "date", "quantity", "value", "unit_cost")
    )
    before: dict[Key, Position] = {}
    for product, site, day, quantity, value, cost in rows:
        key = (product, site)
        if key in since and key not in before and day < since[key]:
            before[key] = Position(quantity, value, cost)
    return before


def _replay(since: dict[Key, date], before: dict[Key, Position]) -> _Replay:
    replay = _Replay()
    products = {product for product, _ in since}
    movements = (
        StockMovement.objects.filter(product_id__in=products, date__gte=min(since.values()))
        .order_by("product_id", "site_id", "date", "id")
        .values_list("id", "product_id", "site_id", "date", "kind", "reason", "quantity", "value")
    )
    for movement_id, product, site, day, kind, reason, quantity, value in movements:
        key = (product, site)
        if key not in since or day < since[key]:
            continue
        # Movements come in date order per pair: `before` holds the position so far.
        current = replay.days.get((key, day)) or _Day(before.get(key, Position()), before.get(key))
        own = value if kind in SELF_VALUED or (kind == MovementKind.TRANSFER and quantity > 0) else None
        current.position, moved = avco_apply(current.position, quantity=quantity, value=own)
        if quantity > 0:
            current.entries += quantity
        else:
            current.exits -= quantity
        if kind == MovementKind.EXIT and reason == ExitReason.SALE:
            current.sold, current.sold_value = current.sold - quantity, current.sold_value - moved
        replay.days[(key, day)] = current
        before[key] = current.position
        replay.values[movement_id] = (moved, current.position.unit_cost)
    return replay


def _days_replace(since: dict[Key, date], replay: _Replay) -> dict[Key, tuple[Decimal, Decimal]]:
    """Replace each pair's days from its date on; returns how much each pair's sales changed by it (units,
    value: the new days' minus the deleted days'), for the levels' running totals."""
    table = StockDay._meta.db_table
    sold: dict[Key, tuple[Decimal, Decimal]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} d USING unnest(%s::bigint[], %s::bigint[], %s::date[]) AS s(p, s, since) "  # noqa: S608
            "WHERE d.product_id = s.p AND d.site_id = s.s AND d.date >= s.since "
            "RETURNING d.product_id, d.site_id, d.sold, d.sold_value",
            [[k[0] for k in since], [k[1] for k in since], list(since.values())],
        )
        for product, site, units, value in cursor.fetchall():
            was = sold.get((product, site), (ZERO, ZERO))
            sold[(product, site)] = (was[0] - units, was[1] - value)
        # One statement for every day, arrays zipped back into rows (no ORM object per day).
        days = list(replay.days.items())
        cursor.execute(
            f"INSERT INTO {table} (product_id, site_id, date, quantity, value, unit_cost, entries, exits, "  # noqa: S608
            "sold, sold_value, prev_quantity, prev_value) SELECT * FROM unnest(%s::bigint[], %s::bigint[], "
            "%s::date[], %s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[], "
            "%s::numeric[], %s::numeric[], %s::numeric[], %s::numeric[])",
            [
                [key[0] for (key, _), _ in days],
                [key[1] for (key, _), _ in days],
                [day for (_, day), _ in days],
                [state.position.quantity for _, state in days],
                [state.position.value for _, state in days],
                [state.position.unit_cost for _, state in days],
                [state.entries for _, state in days],
                [state.exits for _, state in days],
                [state.sold for _, state in days],
                [state.sold_value for _, state in days],
                [state.previous.quantity if state.previous else None for _, state in days],
                [state.previous.value if state.previous else None for _, state in days],
            ],
        )
    for (key, _), state in days:
        was = sold.get(key, (ZERO, ZERO))
        sold[key] = (was[0] + state.sold, was[1] + state.sold_value)
    return sold


def _levels_save(levels: dict[Key, Position], sold: dict[Key, tuple[Decimal, Decimal]]) -> None:
    """Each pair's position now, and its sales so far moved by the change `_days_replace` made to them."""
    table = StockLevel._meta.db_table
    items = list(levels.items())
    change = [sold.get(key, (ZERO, ZERO)) for key, _ in items]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS l (product_id, site_id, quantity, value, unit_cost, sold, sold_value) "  # noqa: S608
            "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::numeric[], %s::numeric[], %s::numeric[], "
            "%s::numeric[], %s::numeric[]) "
            "ON CONFLICT (product_id, site_id) DO UPDATE SET quantity = EXCLUDED.quantity, "
            "value = EXCLUDED.value, unit_cost = EXCLUDED.unit_cost, sold = l.sold + EXCLUDED.sold, "
            "sold_value = l.sold_value + EXCLUDED.sold_value",
            [
                [key[0] for key, _ in items],
                [key[1] for key, _ in items],
                [p.quantity for _, p in items],
                [p.value for _, p in items],
                [p.unit_cost for _, p in items],
                [units for units, _ in change],
                [value for _, value in change],
            ],
        )


def _values_save(replay: _Replay) -> None:
    ids, values, costs = _columns(replay.values.items())
    table = StockMovement._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} m SET value = v.value, unit_cost = v.cost, valued = true "  # noqa: S608
            "FROM unnest(%s::bigint[], %s::numeric[], %s::numeric[]) AS v(id, value, cost) WHERE m.id = v.id",
            [ids, values, costs],
        )


def _columns(
    items: Iterable[tuple[int, tuple[Decimal, Decimal]]],
) -> tuple[list[int], list[Decimal], list[Decimal]]:
    ids: list[int] = []
    values: list[Decimal] = []
    costs: list[Decimal] = []
    for movement_id, (value, cost) in items:
        ids.append(movement_id)
        values.append(value)
        costs.append(cost)
    return ids, values, costs
