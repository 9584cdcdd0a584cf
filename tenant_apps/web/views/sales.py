"""/ventes (sales per day, top dishes, unlinked revenue, the SumUp import) and /alertes-prix."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError, NotFound
from shared_apps.core.periods import MAX_PERIOD_DAYS, period_parse
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.catalog.selectors import price_alert_get, price_alert_rows
from tenant_apps.catalog.services import price_alert_mark, price_alerts_mark_all
from tenant_apps.sales import selectors as sales
from tenant_apps.sales.models import SalesImport
from tenant_apps.sales.services import ExportRejected, current_time_zone, sales_import_upload
from tenant_apps.sales.services.uploads import uploads_read

from .. import identity
from ..decorators import web_page
from ..messages_fr import message_for
from ..sales_forms import SalesPeriodForm, SalesUploadForm, sumup_error_fr
from .account import _principal

DEFAULT_DAYS = 30
TOP_DISHES = 10
ALL_DISHES = 100_000
ALERTS_SHOWN = 200


def _period(form: SalesPeriodForm) -> tuple[datetime, datetime]:
    """The chosen days (the last 30 by default), parsed as the API's `date_debut`/`date_fin`."""
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    start: date | None = data.get("date_debut")
    end: date | None = data.get("date_fin")
    return period_parse(
        start=start.isoformat() if start else None,
        end=end.isoformat() if end else None,
        zone=current_time_zone(),
        default_days=DEFAULT_DAYS,
        max_days=MAX_PERIOD_DAYS,
    )


def _daily_series(days: list[dict[str, Any]]) -> dict[str, Any]:
    """uPlot's columns (static/web/charts.js) for the revenue and margin per day."""
    return {
        "kind": "bars",
        "labels": [row["date"].strftime("%d/%m") for row in days],
        "series": [
            {"label": "CA TTC (€)", "values": [float(row["ca_ttc"]) for row in days]},
            {"label": "Marge brute HT (€)", "values": [float(row["gross_margin"]) for row in days]},
        ],
    }


def _sales_context(request: HttpRequest) -> dict[str, Any]:
    form = SalesPeriodForm(request.GET or None)
    error = ""
    try:
        start, end = _period(form)
    except ApplicationError:
        error = "La période est à l'envers ou dépasse cinq ans : la vue montre les 30 derniers jours."
        start, end = _period(SalesPeriodForm())
    days = sales.sales_by_day(start=start, end=end, zone=current_time_zone())
    ranked = sales.top_dishes(start=start, end=end, zone=current_time_zone(), limit=ALL_DISHES)
    keys = ("ca_ttc", "ca_ht", "gross_margin", "quantity")
    totals = {key: sum((row[key] for row in days), Decimal(0)) for key in keys}
    return {
        "form": form,
        "period_error": error,
        "start": start,
        "end": end,
        "days": days,
        "totals": totals,
        "chart": _daily_series(days),
        "by_margin": ranked[:TOP_DISHES],
        "by_volume": sorted(ranked, key=lambda row: row["volume_rank"])[:TOP_DISHES],
        "coverage": sales.unlinked_revenue(start=start, end=end, top=TOP_DISHES),
        "can_import": identity.can(_principal(request), PermissionCode.SALES_WRITE),
        "upload_form": SalesUploadForm(),
    }


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.ANALYTICS_READ)
def sales_page(request: HttpRequest) -> HttpResponse:
    return render(request, "web/sales/sales.html", _sales_context(request))


def _upload(request: HttpRequest) -> tuple[dict[str, Any], int]:
    files = request.FILES.getlist("files")
    context: dict[str, Any] = {"upload_form": SalesUploadForm(), "files": [f.name for f in files]}
    try:
        received = uploads_read(
            files=files,
            max_files=settings.SALES_IMPORT_MAX_FILES,
            max_file_bytes=settings.SALES_IMPORT_MAX_FILE_BYTES,
        )
        outcome = sales_import_upload(
            files=received, user_id=_principal(request).user.pk, force=bool(request.POST.get("force"))
        )
    except ExportRejected as error:
        return context | {"error": sumup_error_fr(error.details)}, error.status_code
    except ApplicationError as error:
        if error.code == "no_file":
            return context | {"error": "Choisissez le zip de l'export SumUp, ou ses fichiers CSV."}, 400
        return context | {"error": message_for(error)}, error.status_code
    if isinstance(outcome, SalesImport):
        return context | {"queued": outcome}, 202
    return context | {"result": outcome.as_json()}, 200


class SalesUploadView(View):
    """GET the form; POST the export (multipart field `files`), through the API import's service."""

    max_body_bytes = settings.SALES_IMPORT_MAX_BODY_BYTES  # read by BodySizeLimitMiddleware

    @method_decorator(web_page(permission=PermissionCode.SALES_WRITE))
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "web/sales/upload.html", {"upload_form": SalesUploadForm()})

    @method_decorator(web_page(permission=PermissionCode.SALES_WRITE))
    def post(self, request: HttpRequest) -> HttpResponse:
        context, status = _upload(request)
        swapped = getattr(request, "htmx", False)
        template = "web/sales/_import_report.html" if swapped else "web/sales/upload.html"
        return render(request, template, context, status=status)


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.METRO_READ)
def price_alerts(request: HttpRequest) -> HttpResponse:
    alerts = price_alert_rows(limit=ALERTS_SHOWN)  # rows, not models: the API's way (price_alert_rows)
    dishes = sales.price_alert_dishes(alerts=alerts)
    rows = [(alert, dishes[alert.id]) for alert in alerts]
    context = {
        "unseen": [row for row in rows if not row[0].seen],
        "seen": [row for row in rows if row[0].seen],
        "can_mark": identity.can(_principal(request), PermissionCode.METRO_WRITE),
    }
    return render(request, "web/sales/price_alerts.html", context)


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.METRO_WRITE)
def price_alert_seen(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = price_alert_get(alert_id=alert_id)
    if alert is None:
        raise NotFound("Alerte de prix introuvable.")
    price_alert_mark(alert=alert, seen=request.POST.get("vu", "1") != "0")
    return HttpResponseRedirect(reverse("web:price-alerts"))


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.METRO_WRITE)
def price_alerts_seen(request: HttpRequest) -> HttpResponse:
    count = price_alerts_mark_all(seen=True)
    messages.success(request, f"{count} alerte(s) marquée(s) comme vue(s).")
    return HttpResponseRedirect(reverse("web:price-alerts"))
