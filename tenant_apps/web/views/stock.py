"""The stock pages: the position per site (/stock), a loss recorded from it, and the variance between two
counts (/stock/ecarts). The count screen is views/stock_count.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.analytics.selectors import (
    CatalogItem,
    catalog_page,
    families,
    overstock_days,
    stock_status_counts,
)
from tenant_apps.analytics.variance import stock_variance
from tenant_apps.catalog.selectors import product_get
from tenant_apps.stock.models import ExitReason
from tenant_apps.stock.selectors import count_dates, site_list, stock_by_product
from tenant_apps.stock.services import site_resolve, stock_exit_record

from ..decorators import web_page
from ..formatting import date_fr, number_fr
from ..stock_forms import LOSS_REASONS, LossForm, StockFilterForm, VarianceForm, int_or_none
from .account import _principal
from .stock_errors import stock_message

PER_PAGE = 50


def _row(item: CatalogItem, overstock: Decimal) -> dict[str, Any]:
    """A catalogue item with what the page highlights: out of stock, under the threshold, overstock."""
    threshold = item.product.alert_threshold
    state = ""
    if item.stock_quantity <= 0:
        state = "rupture"
    elif threshold is not None and item.stock_quantity <= threshold:
        state = "bas"
    elif item.days_of_stock is not None and item.days_of_stock > overstock:
        state = "surstock"
    # The average cost of what is held (AVCO), not the average purchase price.
    cost = item.stock_value / item.stock_quantity if item.stock_quantity > 0 else None
    return {"item": item, "state": state, "unit_cost": cost}


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.METRO_READ)
def stock(request: HttpRequest) -> HttpResponse:
    sites = site_list()
    form = StockFilterForm(request.GET or None, sites=sites)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    site_id = data.get("site")
    page = catalog_page(
        page=data.get("page") or 1,
        per_page=PER_PAGE,
        q=data.get("q", ""),
        family=data.get("famille", ""),
        stock_status=data.get("etat", ""),
        site_id=site_id,
    )
    overstock = overstock_days()
    levels = stock_by_product(site_id=site_id).values()
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "sites": sites,
        "page": page,
        "rows": [_row(item, overstock) for item in page.items],
        "families": families(),
        "totals": {
            "value": sum((value for _, value in levels), Decimal(0)),
            "products": sum(1 for quantity, _ in levels if quantity > 0),
            **stock_status_counts(site_id=site_id),
        },
        "overstock_days": overstock,
        "query": query.urlencode(),
        "can_write": _can_write(request),
        "loss_reasons": LOSS_REASONS,
        "today": timezone.localdate(),
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "web/stock/position.html", context, status=status)


def _can_write(request: HttpRequest) -> bool:
    return PermissionCode.METRO_WRITE.value in _principal(request).permissions


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.METRO_WRITE)
def loss(request: HttpRequest) -> HttpResponse:
    """A loss, staff meal or offered item: the exit of POST /stock/mouvements, then back to /stock."""
    form = LossForm(request.POST, sites=site_list())
    back = reverse("web:stock")
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[name].label} : {' '.join(str(e) for e in problems)}"
            for name, problems in form.errors.items()
        )
        messages.error(request, f"Sortie non enregistrée. {errors}")
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    product = product_get(product_id=data["produit"])
    try:
        stock_exit_record(
            site=site_resolve(site_id=data["site"]),
            day=data["date"],
            product_id=data["produit"],
            quantity=data["quantite"],
            reason=ExitReason(data["motif"]),
        )
    except ApplicationError as error:
        messages.error(request, f"Sortie non enregistrée : {stock_message(error)}")
        return HttpResponseRedirect(back)
    label = dict(LOSS_REASONS)[data["motif"]]
    name = product.designation if product else ""
    messages.success(
        request,
        f"{label} enregistrée : {number_fr(data['quantite'], 3)} de {name} le {date_fr(data['date'])}.",
    )
    site = f"?site={data['site']}" if data["site"] else ""
    return HttpResponseRedirect(back + site)


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.METRO_READ)
def variance(request: HttpRequest) -> HttpResponse:
    """Theoretical against actual stock between two counts of a site (GET /stock/ecarts)."""
    sites = site_list()
    site_id = int_or_none(request.GET.get("site")) or (sites[0].pk if sites else None)
    dates = count_dates(site_id=site_id) if site_id is not None else []
    asked = "date_debut" in request.GET or "date_fin" in request.GET
    query: Any = request.GET if asked else None
    if query is None and len(dates) >= 2:  # the site's last two counts, unless others are asked for
        query = {"site": site_id, "date_debut": dates[1], "date_fin": dates[0]}
    bound = query is not None
    form = VarianceForm(query, sites=sites, initial={"site": site_id})
    report, error = None, ""
    if bound and form.is_valid():
        try:
            site = site_resolve(site_id=form.cleaned_data["site"])
            report = stock_variance(
                site=site, start=form.cleaned_data["date_debut"], end=form.cleaned_data["date_fin"]
            )
        except ApplicationError as failure:
            error = stock_message(failure)
    context = {"form": form, "report": report, "error": error, "dates": dates, "sites": sites}
    status = 400 if bound and (error or not form.is_valid()) else 200
    return render(request, "web/stock/variance.html", context, status=status)
