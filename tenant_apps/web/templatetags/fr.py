"""Template filters for French display: {{ amount|euros }}, {{ day|date_fr }}, {{ qty|nombre:3 }}."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django import template

from tenant_apps.metro.models import DocType

from .. import formatting

register = template.Library()


@register.filter
def euros(value: Decimal | float | int | None) -> str:
    return formatting.money_fr(value)


@register.filter
def date_fr(value: date | datetime | None) -> str:
    return formatting.date_fr(value)


@register.filter
def nombre(value: Decimal | float | int | None, places: int = 2) -> str:
    return formatting.number_fr(value, int(places))


@register.filter
def pourcent(value: Decimal | float | None) -> str:
    return formatting.percent_fr(value)


@register.filter
def document_kind(value: str) -> str:
    """The printed name of a METRO document kind, for list rows read as plain values."""
    try:
        return str(DocType(value).label)
    except ValueError:
        return value
