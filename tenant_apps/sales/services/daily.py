"""The sales per local day and dish (models.DailySales), kept with the lines they sum.

The days are complete for the zone the state row names, or for none (blank). Every writer locks that row
FOR UPDATE first, in its own transaction, after writing its lines: a rebuild's sums are taken after every
chunk that locked before it has committed, and a chunk that locks after it adds to the rebuilt days, so no
line is summed twice or missed. One lock mode for all: a chunk that finds the days in another zone marks
them stale under the lock it already holds (a shared lock raised to an exclusive one by two chunks at once
would deadlock). Chunks of two imports at once wait for each other only for their last steps (the days,
the stock exits, the commit).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from ..models import DailySales, DailySalesState, OrderLine

_STATE_ID = 1
_Sums = list[Decimal | int]  # quantity, CA TTC, CA HT, lines


def _state_locked() -> str:
    """The zone the days are complete for ('' when none), the state row locked until the commit."""
    DailySalesState.objects.bulk_create([DailySalesState(pk=_STATE_ID)], ignore_conflicts=True)
    table = DailySalesState._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT zone FROM {table} WHERE id = %s FOR UPDATE", [_STATE_ID])  # noqa: S608
        row = cursor.fetchone()
    return str(row[0]) if row else ""


def daily_sales_add(*, lines: Sequence[OrderLine], zone: ZoneInfo) -> None:
    """Add freshly written lines to their days, in the caller's (the chunk's) transaction. Lines read in
    another zone than the days' make the days stale instead: reports read the lines until a rebuild."""
    if not lines:
        return
    days_zone = _state_locked()
    if days_zone != zone.key:
        if days_zone:
            DailySalesState.objects.filter(pk=_STATE_ID).update(zone="")
        return
    sums: dict[tuple[object, int | None], _Sums] = {}
    for line in lines:
        key = (line.closed_at.astimezone(zone).date(), line.dish_id)
        total = sums.setdefault(key, [Decimal(0), Decimal(0), Decimal(0), 0])
        total[0] += line.quantity
        total[1] += line.ca_ttc
        total[2] += line.ca_ht
        total[3] += 1
    # In key order, so that two imports adding to the same days lock their rows in the same order.
    items = sorted(sums.items(), key=lambda item: (item[0][0], item[0][1] or 0))
    table = DailySales._meta.db_table
    columns: list[Any] = [[key[0] for key, _ in items], [key[1] for key, _ in items]]
    columns += [[total[i] for _, total in items] for i in range(4)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} AS d (day, dish_id, quantity, ca_ttc, ca_ht, line_count) "  # noqa: S608
            "SELECT * FROM unnest(%s::date[], %s::bigint[], %s::numeric[], %s::numeric[], %s::numeric[], "
            "%s::integer[]) ON CONFLICT (day, dish_id) DO UPDATE SET "
            "quantity = d.quantity + EXCLUDED.quantity, ca_ttc = d.ca_ttc + EXCLUDED.ca_ttc, "
            "ca_ht = d.ca_ht + EXCLUDED.ca_ht, "
            "line_count = d.line_count + EXCLUDED.line_count",
            columns,
        )


@transaction.atomic
def daily_sales_rebuild(*, zone: ZoneInfo) -> None:
    """Sum every line again into its day in `zone` (the tenant's zone changed, or the days are stale)."""
    _state_locked()
    table, lines = DailySales._meta.db_table, OrderLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 0")  # a million lines outlast the default
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (day, dish_id, quantity, ca_ttc, ca_ht, line_count) "  # noqa: S608
            f"SELECT (closed_at AT TIME ZONE %s)::date, dish_id, sum(quantity), sum(ca_ttc), sum(ca_ht), "
            f"count(*) FROM {lines} GROUP BY 1, 2",
            [zone.key],
        )
    DailySalesState.objects.filter(pk=_STATE_ID).update(zone=zone.key)


def daily_sales_ensure(*, zone: ZoneInfo) -> None:
    """Rebuild the days unless they are complete in `zone` already (an import's first step)."""
    if not DailySalesState.objects.filter(pk=_STATE_ID, zone=zone.key).exists():
        daily_sales_rebuild(zone=zone)
