"""The period of an export: a calendar year (`annee`) or the days of a fiscal year (`date_debut`,
`date_fin`, both included; a first fiscal year may run up to 24 months)."""

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
