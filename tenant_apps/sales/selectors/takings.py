"""Each day's till takings as the sales journal needs them: revenue and VAT per rate, money per payment
method, a day at a time in date order (a day of a busy restaurant is a few hundred orders)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import DateField, Max, Min, Sum
from django.db.models.functions import TruncDate

from ..models import OrderLine, OrderPayment

# Days read per query: a bounded page, whatever the tenant's volume per day.
DAYS_PER_PAGE = 31


@dataclass(slots=True)
class DayTakings:
    day: date  # the local day (tenant's zone) the orders were closed
    net_by_rate: dict[Decimal | None, Decimal] = field(default_factory=dict)  # Σ CA HT (None: no rate)
    vat_by_rate: dict[Decimal | None, Decimal] = field(default_factory=dict)  # Σ TVA
    gross: Decimal = Decimal(0)  # Σ CA TTC
    paid_by_method: dict[str, Decimal] = field(default_factory=dict)  # as the till names the method
    imported_at: datetime | None = None  # when the day's last order was imported


def _bounds(start: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min, tzinfo=zone), datetime.combine(end, time.min, tzinfo=zone)


def _page(start: date, end: date, zone: ZoneInfo) -> Iterator[DayTakings]:
    since, until = _bounds(start, end + timedelta(days=1), zone)
    window = {"closed_at__gte": since, "closed_at__lt": until}
    day = TruncDate("closed_at", tzinfo=zone, output_field=DateField())
    lines = (
        OrderLine.objects.filter(**window)
        .annotate(day=day)
        .values("day", "vat_rate")
        .annotate(net=Sum("ca_ht"), vat=Sum("vat_amount"), gross=Sum("ca_ttc"))
        .order_by("day", "vat_rate")
    )
    paid = (
        OrderPayment.objects.filter(order__closed_at__gte=since, order__closed_at__lt=until)
        .annotate(day=TruncDate("order__closed_at", tzinfo=zone, output_field=DateField()))
        .values("day", "method")
        .annotate(amount=Sum("amount"), imported_at=Max("order__sales_import__created_at"))
        .order_by("day", "method")
    )
    days: dict[date, DayTakings] = {}
    for row in lines:
        takings = days.setdefault(row["day"], DayTakings(row["day"]))
        takings.net_by_rate[row["vat_rate"]] = row["net"]
        takings.vat_by_rate[row["vat_rate"]] = row["vat"]
        takings.gross += row["gross"]
    for row in paid:
        takings = days.setdefault(row["day"], DayTakings(row["day"]))
        takings.paid_by_method[row["method"]] = row["amount"]
        takings.imported_at = max(filter(None, (takings.imported_at, row["imported_at"])), default=None)
    yield from (days[key] for key in sorted(days))


def daily_takings(*, start: date, end: date, zone: ZoneInfo) -> Iterator[DayTakings]:
    """The takings of each local day in [start, end] that has orders, in date order."""
    first = OrderLine.objects.filter(closed_at__gte=_bounds(start, start, zone)[0]).aggregate(
        first=Min("closed_at")
    )["first"]
    if first is None:
        return
    cursor = max(start, first.astimezone(zone).date())
    while cursor <= end:
        last = min(end, cursor + timedelta(days=DAYS_PER_PAGE - 1))
        yield from _page(cursor, last, zone)
        cursor = last + timedelta(days=1)


def payment_methods() -> list[str]:
    """Every payment method the till has used, by name."""
    return list(OrderPayment.objects.values_list("method", flat=True).distinct().order_by("method"))
