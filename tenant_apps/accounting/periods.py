"""The period of an export: a calendar year (`annee`) or the days of a fiscal year (`date_debut`,
`date_fin`, both included; a first fiscal year may run up to 24 months), and the first day of the fiscal
year it belongs to, from which its entries are numbered (`debut_exercice`, by default the period's own
first day: the period is the fiscal year)."""

from __future__ import annotations

from datetime import date, timedelta

from shared_apps.core.exceptions import ValidationFailed

MAX_MONTHS = 24


def _months_later(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28)) + timedelta(days=max(day.day - 28, 0))


def period_of(*, year: int | None, start: date | None, end: date | None) -> tuple[date, date]:
    if year is not None and (start or end):
        raise ValidationFailed(
            "Donnez annee, ou date_debut et date_fin, pas les deux.", code="invalid_period"
        )
    if year is not None:
        return date(year, 1, 1), date(year, 12, 31)
    if start is None or end is None:
        raise ValidationFailed(
            "Donnez annee (AAAA), ou date_debut et date_fin (AAAA-MM-JJ).", code="invalid_period"
        )
    if start > end or end >= _months_later(start, MAX_MONTHS):
        raise ValidationFailed(
            "La période va à rebours ou dépasse 24 mois (la durée d'un exercice au plus).",
            code="invalid_period",
        )
    return start, end


def numbering_start(*, fiscal_start: date | None, start: date, end: date) -> date:
    """The day the entries of [start, end] are numbered from: the fiscal year's first day, so that a part
    of the year carries the numbers its entries have in the whole year's file (the FEC numbers entries
    continuously per journal over the fiscal year, A47 A-1 LPF)."""
    if fiscal_start is None:
        return start
    if fiscal_start > start or end >= _months_later(fiscal_start, MAX_MONTHS):
        raise ValidationFailed(
            "debut_exercice doit précéder la période, qui doit tenir dans l'exercice (24 mois au plus).",
            code="invalid_period",
        )
    return fiscal_start
