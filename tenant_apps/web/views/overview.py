"""The dashboard's restaurant part, as of a day (`?date=`, today by default): the contract dashboard's
figures (analytics.dashboard, as GET /api/v1/analytics/dashboard), sales per day over the 30 days ending
on that day, and the price alerts not yet seen."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest

from shared_apps.rbac.enums import PermissionCode
from tenant_apps.analytics.dashboard import WINDOW_DAYS, dashboard
from tenant_apps.catalog.selectors import price_alert_list
from tenant_apps.sales.selectors import sales_by_day
from tenant_apps.sales.services import current_time_zone

from ..stock_forms import DATE_INPUT
from .account import _principal

ALERTS_SHOWN = 5


class AsOfForm(forms.Form):
    date = forms.DateField(label="Au", required=False, widget=DATE_INPUT)


def _sales_series(rows: list[dict[str, Any]], *, end: date) -> dict[str, Any]:
    """uPlot's columns for the revenue per day: every day of the window, a day without sales at 0."""
    by_day = {row["date"]: row["ca_ttc"] for row in rows}
    days = [end - timedelta(days=offset) for offset in range(WINDOW_DAYS - 1, -1, -1)]
    return {
        "kind": "bars",
        "labels": [day.strftime("%d/%m") for day in days],
        "series": [{"label": "CA TTC (€)", "values": [float(by_day.get(day, Decimal(0))) for day in days]}],
    }


def overview_context(request: HttpRequest) -> dict[str, Any]:
    """The context of the dashboard's restaurant part; empty for a member without analytics:read."""
    if PermissionCode.ANALYTICS_READ.value not in _principal(request).permissions:
        return {}
    zone = current_time_zone()
    today = datetime.now(zone).date()
    form = AsOfForm(request.GET or None, initial={"date": today})
    day = (form.cleaned_data.get("date") if form.is_bound and form.is_valid() else None) or today
    start = datetime.combine(day - timedelta(days=WINDOW_DAYS - 1), time.min, tzinfo=zone)
    end = datetime.combine(day, time.max, tzinfo=zone)
    alerts = price_alert_list(seen=False)
    return {
        "as_of_form": form,
        "as_of": day,
        "today": today,
        "overview": dashboard(day=day, zone=zone),
        "sales_chart": _sales_series(sales_by_day(start=start, end=end, zone=zone), end=day),
        "alerts": list(alerts[:ALERTS_SHOWN]),
        "alert_count": alerts.count(),
    }
