"""The expenses pages: budgets against spending per cost centre for a month, the expense list with its
filters, and the forms that add or edit an expense, a cost centre or an expense category, and delete an
expense or an unused category (no script needed)."""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError, NotFound
from shared_apps.core.pagination import paginate
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.expenses import selectors as expenses
from tenant_apps.expenses import services
from tenant_apps.sales.services import current_time_zone

from ..budget_chart import budget_bars
from ..decorators import web_page
from ..expense_forms import CategoryForm, CentreForm, ExpenseFilterForm, ExpenseForm, month_parse
from .account import _principal

PER_PAGE = 50
READ, WRITE = PermissionCode.EXPENSES_READ, PermissionCode.EXPENSES_WRITE
MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
# A service's `field` detail → the form's field.
SERVICE_FIELDS = {"centre": "centre", "name": "nom", "default_centre": "centre_cout_defaut"}


def _today() -> date:
    return datetime.now(current_time_zone()).date()


def _choices(form: forms.Form, name: str, pairs: list[tuple[int, str]], empty: str) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = [("", empty), *pairs]


def _month_url(day: date) -> str:
    return reverse("web:expenses") + "?" + urlencode({"mois": f"{day:%Y-%m}"})


@require_http_methods(["GET"])
@web_page(permission=READ)
def expense_overview(request: HttpRequest) -> HttpResponse:
    form = ExpenseFilterForm(request.GET or None)
    _choices(form, "centre", [(c.pk, c.name) for c in expenses.centre_list()], "Tous")
    _choices(form, "categorie", [(c.pk, c.name) for c in expenses.category_list()], "Toutes")
    valid = form.is_bound and form.is_valid()
    data = form.cleaned_data if valid else {}
    year, month = month_parse(data.get("mois")) or (_today().year, _today().month)
    rows = expenses.expense_synthesis(year=year, month=month)
    # The list shows the month chosen unless a date range is asked for.
    ranged = data.get("date_debut") or data.get("date_fin")
    listed = expenses.expense_list(
        start=data.get("date_debut") if ranged else date(year, month, 1),
        end=data.get("date_fin") if ranged else date(year, month, calendar.monthrange(year, month)[1]),
        centre_id=data.get("centre"),
        category_id=data.get("categorie"),
    )
    page = paginate(listed, page=data.get("page") or 1, per_page=PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "month": f"{year:04d}-{month:02d}",
        "month_label": f"{MONTHS_FR[month - 1]} {year}",
        "bars": budget_bars(rows),
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
        "centres": expenses.centre_list().order_by("-is_active", "name"),
        "categories": expenses.category_list().order_by("-is_active", "name"),
        "can_write": WRITE in _principal(request).permissions,
    }
    status = 400 if form.is_bound and not valid else 200
    return render(request, "web/expenses/overview.html", context, status=status)


def _expense_form(request: HttpRequest, **kw: Any) -> ExpenseForm:
    categories = list(expenses.category_list(active=True))
    form = ExpenseForm(request.POST or None, vat_rates={c.pk: c.default_vat_rate for c in categories}, **kw)
    _choices(form, "categorie", [(c.pk, c.name) for c in categories], "Aucune")
    return form


def _centre_choices(form: forms.Form, *, keep: int | None = None) -> None:
    """Active centres, and the expense's own even if deactivated since (it may keep it)."""
    centres = [(c.pk, c.name) for c in expenses.centre_list() if c.is_active or c.pk == keep]
    _choices(form, "centre", centres, "Celui de la catégorie")


def _refused(form: forms.Form, error: ApplicationError) -> None:
    """A service's refusal on the form: on the field it names, else above the form."""
    form.add_error(SERVICE_FIELDS.get(str(error.details.get("field", ""))), error.message)


def _expense_fields(form: ExpenseForm) -> dict[str, Any]:
    data = form.cleaned_data
    centre = expenses.centre_get(centre_id=data["centre"]) if data.get("centre") else None
    category = expenses.category_get(category_id=data["categorie"]) if data.get("categorie") else None
    return {
        "supplier": data["fournisseur"],
        "label": data["libelle"],
        "reference": data["reference"],
        "centre": centre,
        "category": category,
    }


@require_http_methods(["GET", "POST"])
@web_page(permission=WRITE)
def expense_new(request: HttpRequest) -> HttpResponse:
    form = _expense_form(request)
    _centre_choices(form)
    if request.method == "POST" and form.is_valid():
        try:
            expense = services.expense_create(
                actor=_principal(request),
                day=form.cleaned_data["date"],
                amounts=form.cleaned_data["amounts"],
                **_expense_fields(form),
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            return HttpResponseRedirect(_month_url(expense.date))
    status = 400 if form.is_bound else 200
    return render(request, "web/expenses/expense_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@web_page(permission=WRITE)
def expense_edit(request: HttpRequest, expense_id: int) -> HttpResponse:
    expense = expenses.expense_get(expense_id=expense_id)
    if expense is None:
        raise NotFound("Dépense introuvable.")
    initial = {
        "date": expense.date, "fournisseur": expense.supplier, "libelle": expense.label,
        "reference": expense.reference, "categorie": expense.category_id, "centre": expense.centre_id,
        "montant_ht": expense.amount_ht, "tva_pct": str(expense.vat_rate.normalize()), "tva": expense.vat,
        "montant_ttc": expense.amount_ttc,
    }  # fmt: skip
    form = _expense_form(request, initial=initial)
    _centre_choices(form, keep=expense.centre_id)
    if request.method == "POST" and form.is_valid():
        fields = _expense_fields(form)
        fields["centre"] = fields["centre"] or (fields["category"] and fields["category"].default_centre)
        try:
            services.expense_update(
                actor=_principal(request),
                expense=expense,
                amounts=form.cleaned_data["amounts"],
                date=form.cleaned_data["date"],
                **fields,
            )
        except ApplicationError as error:
            _refused(form, error)
        else:
            return HttpResponseRedirect(_month_url(expense.date))
    status = 400 if form.is_bound else 200
    context = {"form": form, "expense": expense}
    return render(request, "web/expenses/expense_form.html", context, status=status)


@require_http_methods(["POST"])
@web_page(permission=WRITE)
def expense_delete(request: HttpRequest, expense_id: int) -> HttpResponse:
    expense = expenses.expense_get(expense_id=expense_id)
    if expense is None:
        raise NotFound("Dépense introuvable.")
    services.expense_delete(actor=_principal(request), expense=expense)
    return HttpResponseRedirect(_month_url(expense.date))


def _centre_saved(request: HttpRequest, form: CentreForm, centre: Any) -> Any:
    data = form.cleaned_data
    fields = {"name": data["nom"], "kind": data["type_cout"], "monthly_budget": data["budget_mensuel"]}
    if centre is None:
        return services.centre_create(actor=_principal(request), **fields)
    return services.centre_update(actor=_principal(request), centre=centre, is_active=data["actif"], **fields)


@require_http_methods(["GET", "POST"])
@web_page(permission=WRITE)
def centre_form(request: HttpRequest, centre_id: int | None = None) -> HttpResponse:
    """A new cost centre (no id) or one to edit: name, kind, monthly budget, active."""
    centre = None
    initial: dict[str, Any] = {}
    if centre_id is not None:
        centre = expenses.centre_get(centre_id=centre_id)
        if centre is None:
            raise NotFound("Centre de coût introuvable.")
        initial = {
            "nom": centre.name, "type_cout": centre.kind, "budget_mensuel": centre.monthly_budget,
            "actif": centre.is_active,
        }  # fmt: skip
    form = CentreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            _centre_saved(request, form, centre)
        except ApplicationError as error:
            _refused(form, error)
        else:
            return HttpResponseRedirect(reverse("web:expenses"))
    status = 400 if form.is_bound else 200
    return render(request, "web/expenses/centre_form.html", {"form": form, "centre": centre}, status=status)


def _category(category_id: int) -> Any:
    category = expenses.category_get(category_id=category_id)
    if category is None:
        raise NotFound("Catégorie de dépense introuvable.")
    return category


def _category_form(data: Any, category: Any) -> CategoryForm:
    """The category's form, bound to `data` (a post) or showing the stored values (None)."""
    initial: dict[str, Any] = {}
    if category is not None:
        initial = {
            "nom": category.name, "tva_pct_defaut": str(category.default_vat_rate),
            "centre_cout_defaut": category.default_centre_id, "actif": category.is_active,
        }  # fmt: skip
    form = CategoryForm(data, initial=initial)
    # Active centres, and the category's own even if deactivated since (it may keep it).
    keep = category.default_centre_id if category is not None else None
    centres = [(c.pk, c.name) for c in expenses.centre_list() if c.is_active or c.pk == keep]
    _choices(form, "centre_cout_defaut", centres, "Aucun")
    return form


def _category_saved(request: HttpRequest, form: CategoryForm, category: Any) -> Any:
    data = form.cleaned_data
    centre_id = data["centre_cout_defaut"]
    centre = expenses.centre_get(centre_id=centre_id) if centre_id else None
    fields = {"name": data["nom"], "default_vat_rate": data["tva_pct_defaut"], "default_centre": centre}
    if category is None:
        return services.category_create(actor=_principal(request), **fields)
    return services.category_update(
        actor=_principal(request), category=category, is_active=data["actif"], **fields
    )


def _category_page(
    request: HttpRequest, form: CategoryForm, category: Any, *, status: int, refusal: str = ""
) -> HttpResponse:
    context = {"form": form, "category": category, "refusal": refusal}
    return render(request, "web/expenses/category_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@web_page(permission=WRITE)
def category_form(request: HttpRequest, category_id: int | None = None) -> HttpResponse:
    """A new expense category (no id) or one to edit: name, default VAT rate and centre, active."""
    category = _category(category_id) if category_id is not None else None
    form = _category_form(request.POST or None, category)
    if request.method == "POST" and form.is_valid():
        try:
            _category_saved(request, form, category)
        except ApplicationError as error:
            _refused(form, error)
        else:
            return HttpResponseRedirect(reverse("web:expenses"))
    return _category_page(request, form, category, status=400 if form.is_bound else 200)


@require_http_methods(["POST"])
@web_page(permission=WRITE)
def category_delete(request: HttpRequest, category_id: int) -> HttpResponse:
    """Delete an unused category; a used one stays, its page says why and offers to deactivate it."""
    category = _category(category_id)
    try:
        services.category_delete(actor=_principal(request), category=category)
    except ApplicationError as error:
        form = _category_form(None, category)  # the stored values, to untick "active" right there
        return _category_page(request, form, category, status=error.status_code, refusal=error.message)
    return HttpResponseRedirect(reverse("web:expenses"))
