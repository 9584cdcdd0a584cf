"""Template filters of the sales pages: {{ line.yield_factor|rendement_pct }} → `80` (a fraction shown as
the percent the recipe form takes)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from .. import formatting

register = template.Library()


@register.filter
def rendement_pct(value: Decimal) -> str:
    text = formatting.number_fr(value * 100, 2)
    return text.removesuffix(",00")
