"""Periods of the reports: `date_debut`/`date_fin` as days or as ISO 8601 datetimes, in the tenant's zone.

A day means the whole day: from its first instant (date_debut) to its last (date_fin), both included. A
datetime without an offset is the tenant's local time; one with an offset is taken as it is. So a lunch
service (`2025-03-14T11:30` … `2025-03-14T15:00`) or a till session can be asked for as well as a month.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from shared_apps.core.exceptions import ValidationFailed

LAST_INSTANT = time(23, 59, 59, 999999)
MAX_PERIOD_DAYS = 5 * 366
PERIOD_PARAMETERS = [
    OpenApiParameter(
        name,
        OpenApiTypes.STR,
        description="YYYY-MM-DD (the whole day) or an ISO 8601 datetime (the tenant's zone when it has no "
        "offset); inclusive",
    )
    for name in ("date_debut", "date_fin")
]


def _moment(text: str, *, name: str, zone: ZoneInfo, end: bool) -> datetime:
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, LAST_INSTANT if end else time.min, tzinfo=zone)
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise ValidationFailed(
            f"{name}: expected a date (YYYY-MM-DD) or an ISO 8601 datetime, got {text!r}.",
            code="invalid_date",
            details={"field": name},
        ) from error
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)


def period_parse(
    *, start: str | None, end: str | None, zone: ZoneInfo, default_days: int, max_days: int
) -> tuple[datetime, datetime]:
    """[start, end] as aware datetimes; by default the last `default_days` days up to now."""
    end_at = _moment(end, name="date_fin", zone=zone, end=True) if end else datetime.now(zone)
    if start:
        start_at = _moment(start, name="date_debut", zone=zone, end=False)
    else:
        start_at = datetime.combine((end_at - timedelta(days=default_days - 1)).date(), time.min, tzinfo=zone)
    if start_at > end_at or end_at - start_at > timedelta(days=max_days):
        raise ValidationFailed(
            f"The period runs backwards or over {max_days} days.", code="invalid_date_range"
        )
    return start_at, end_at
