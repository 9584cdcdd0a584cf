"""French display of amounts and dates (`1 234,56 €`, `05/12/2026`), independent of the server's locale."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

NBSP = "\u00a0"  # a space that keeps `1 234,56 €` on one line


def number_fr(value: Decimal | float | int | None, places: int = 2) -> str:
    if value is None:
        return "—"
    quantum = Decimal(1).scaleb(-places)
    amount = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    whole, _, fraction = f"{abs(amount):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = NBSP.join(groups)
    return f"{sign}{text},{fraction}" if places else f"{sign}{text}"


def money_fr(value: Decimal | float | int | None) -> str:
    if value is None:
        return "—"
    return f"{number_fr(value)}{NBSP}€"


def date_fr(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def percent_fr(value: Decimal | float | None) -> str:
    if value is None:
        return "—"
    return f"{number_fr(value, 1)}{NBSP}%"
