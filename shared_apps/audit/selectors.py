"""Audit reads. Every read names its tenant: a tenant's events are reachable only through it."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from shared_apps.tenants.models import Tenant

from .models import AuditEvent, EventType


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_event_list(
    *,
    tenant: Tenant,
    event_type: EventType | str | None = None,
    user_id: Any = None,
    date_from: datetime.date | datetime.datetime | None = None,
    date_to: datetime.date | datetime.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The tenant's events, newest first.

    `user_id` is the user's primary key (the value stored in AuditEvent.user_id). `date_from` is inclusive;
    `date_to` is exclusive for a datetime and inclusive of the whole day for a date (in the current time
    zone). Platform events without a tenant are never returned here.
    """
    if tenant is None or tenant.pk is None:
        raise ValueError("audit_event_list needs a saved tenant")
    events = AuditEvent.objects.filter(tenant=tenant)
    if event_type:
        events = events.filter(event_type=str(event_type))
    if user_id is not None:
        events = events.filter(user_id=user_id)
    if date_from is not None:
        if not isinstance(date_from, datetime.datetime):
            date_from = _start_of(date_from)
        events = events.filter(created_at__gte=date_from)
    if date_to is not None:
        if not isinstance(date_to, datetime.datetime):
            date_to = _start_of(date_to + datetime.timedelta(days=1))
        events = events.filter(created_at__lt=date_to)
    return events.order_by("-created_at", "-id")
