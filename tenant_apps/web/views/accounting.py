"""/comptabilite: the FEC for the accountant (a year or a fiscal year), the journals' totals, the SIREN
and the chart of accounts (edited by an administrator). Same services and permissions as the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.accounting.downloads import fec_download
from tenant_apps.accounting.periods import period_of
from tenant_apps.accounting.selectors import account_list, company_siren, journal_totals
from tenant_apps.accounting.services import AccountChange, accounts_update, siren_set
from tenant_apps.sales.services import current_time_zone

from .. import identity
from ..decorators import web_page
from ..messages_fr import message_for
from .account import _principal

# The keys whose account also names a third party (the supplier's auxiliary account).
WITH_AUXILIARY = ("supplier:metro",)


class PeriodForm(forms.Form):
    annee = forms.IntegerField(
        label="Année",
        required=False,
        min_value=1900,
        max_value=2999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    date_debut = forms.DateField(
        label="ou du", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_fin = forms.DateField(label="au", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def period(self) -> tuple[date, date]:
        data = self.cleaned_data
        if data.get("date_debut") or data.get("date_fin"):
            return period_of(year=None, start=data.get("date_debut"), end=data.get("date_fin"))
        return period_of(year=data.get("annee") or timezone.localdate().year, start=None, end=None)


def _period(request: HttpRequest) -> tuple[PeriodForm, tuple[date, date] | None, str | None]:
    form = PeriodForm(request.GET or None)
    if request.GET and not form.is_valid():
        return form, None, "Période invalide : une année (AAAA), ou deux dates (AAAA-MM-JJ)."
    if not request.GET:
        form = PeriodForm({"annee": timezone.localdate().year})
        form.is_valid()
    try:
        return form, form.period(), None
    except ApplicationError as error:
        return form, None, message_for(error)


def _page(request: HttpRequest, *, status: int = 200, **extra: Any) -> HttpResponse:
    principal = _principal(request)
    form, period, period_error = _period(request)
    totals = journal_totals(start=period[0], end=period[1], zone=current_time_zone()) if period else []
    context = {
        "form": form,
        "period": period,
        "period_error": period_error,
        "query": request.GET.urlencode(),
        "totals": totals,
        "siren": company_siren(tenant=principal.tenant),
        "accounts": account_list(),
        "with_auxiliary": WITH_AUXILIARY,
        "can_edit": identity.can(principal, PermissionCode.ACCOUNTING_WRITE),
        **extra,
    }
    return render(request, "web/accounting/accounting.html", context, status=status)


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.ACCOUNTING_EXPORT)
def accounting(request: HttpRequest) -> HttpResponse:
    return _page(request, status=200)


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.ACCOUNTING_EXPORT)
def fec_file(request: HttpRequest) -> HttpResponseBase:
    _form, period, _error = _period(request)
    principal = _principal(request)
    if period is None:
        return _page(request, status=400)
    try:
        return fec_download(tenant=principal.tenant, actor=principal.user, start=period[0], end=period[1])
    except ApplicationError as error:  # no SIREN yet: the page says so
        return _page(request, fec_error=message_for(error), status=error.status_code)


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.ACCOUNTING_WRITE)
def siren(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    try:
        siren_set(tenant=principal.tenant, siren=request.POST.get("siren", ""), actor=principal.user)
    except ApplicationError as error:
        return _page(request, siren_error=message_for(error), status=error.status_code)
    messages.success(request, "SIREN enregistré.")
    return HttpResponseRedirect(reverse("web:accounting"))


def _changes(post: Any) -> list[AccountChange]:
    """The rows of the chart form that differ from what the tenant posts to now (a blank number: back
    to the default)."""
    changes = []
    for row in account_list():
        number = post.get(f"numero:{row.key}")
        if number is None:
            continue
        number = number.strip().upper()
        label = post.get(f"libelle:{row.key}", "").strip() or row.account.label
        aux = (
            post.get(f"aux_numero:{row.key}", row.account.aux_number).strip(),
            post.get(f"aux_libelle:{row.key}", row.account.aux_label).strip(),
        )
        if not number:
            if not row.is_default:
                changes.append(AccountChange(key=row.key, number=None))
        elif (number, label, *aux) != (
            row.account.number,
            row.account.label,
            row.account.aux_number,
            row.account.aux_label,
        ):
            changes.append(AccountChange(row.key, number, label, aux[0], aux[1]))
    return changes


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.ACCOUNTING_WRITE)
def accounts(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    changes = _changes(request.POST)
    if changes:
        try:
            accounts_update(tenant=principal.tenant, changes=changes, actor=principal.user)
        except ApplicationError as error:
            return _page(request, accounts_error=message_for(error), status=error.status_code)
    messages.success(request, f"Plan de comptes enregistré ({len(changes)} modification(s)).")
    return HttpResponseRedirect(reverse("web:accounting") + "#comptes")
