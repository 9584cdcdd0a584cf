"""The METRO pages: the dashboard, invoices (list, detail, upload) and products (list, detail)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError, NotFound
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.catalog import selectors as catalog
from tenant_apps.metro import selectors as metro
from tenant_apps.metro.models import DocType, ImportSource, ReconciliationStatus
from tenant_apps.metro.services import SourceFile, batch_enqueue, batch_import, uploads_read

from .. import charts
from ..decorators import web_page
from ..formatting import percent_fr
from ..forms import InvoiceFilterForm, ProductFilterForm, UploadForm
from ..messages_fr import message_for
from .account import _principal
from .overview import overview_context
from .product_stock import product_stock_context

PER_PAGE = 50
INVOICE_FILTERS = {
    "date_debut": "date_from",
    "date_fin": "date_to",
    "magasin": "store_name",
    "doc_type": "doc_type",
    "statut": "reconciliation_status",
}
PRODUCT_SORTS = {
    "montant_total": "total_gross",
    "designation": "designation",
    "nb_achats": "purchase_count",
    "prix_unitaire_moyen": "avg_unit_price",
}
TOP_PRODUCTS = 10


def _vat_label(rate: Decimal | None) -> str:
    return "TVA ?" if rate is None else f"TVA {percent_fr(rate)}"


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.METRO_READ)
def dashboard(request: HttpRequest) -> HttpResponse:
    data = metro.dashboard(top=TOP_PRODUCTS)
    months = metro.spend_by_month()
    context = {
        "summary": data["summary"],
        "categories": charts.bars(
            (row["category_label"], row["total_net"], row["share_pct"]) for row in data["categories"]
        ),
        "vat": charts.bars(
            (_vat_label(row["vat_rate"]), row["total_net"], row["share_pct"]) for row in data["vat_rates"]
        ),
        "top_products": data["top_products"],
        "months": months[-12:],
        "month_chart": charts.monthly_series(months),
    }
    context |= overview_context(request)
    return render(request, "web/purchases/dashboard.html", context)


def _invoice_filters(request: HttpRequest) -> InvoiceFilterForm:
    form = InvoiceFilterForm(request.GET or None)
    cast(forms.ChoiceField, form.fields["doc_type"]).choices = [("", "Tous"), *DocType.choices]
    cast(forms.ChoiceField, form.fields["statut"]).choices = [
        ("", "Tous"),
        (ReconciliationStatus.RECONCILED, "Rapprochée"),
        (ReconciliationStatus.FORCED, "Forcée"),
    ]
    return form


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.METRO_READ)
def invoices(request: HttpRequest) -> HttpResponse:
    form = _invoice_filters(request)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        # The page's query names (French, in the URL) → the selector's arguments.
        names = INVOICE_FILTERS.items()
        filters = {
            arg: form.cleaned_data[q] for q, arg in names if form.cleaned_data.get(q) not in (None, "")
        }
    page_number = (form.cleaned_data.get("page") if form.is_bound and form.is_valid() else None) or 1
    page = metro.invoice_list(page=page_number, per_page=PER_PAGE, **filters)
    query = request.GET.copy()
    query.pop("page", None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "page": page, "stores": metro.invoice_stores(), "query": query.urlencode()}
    template = (
        "web/purchases/_invoice_rows.html"
        if getattr(request, "htmx", False)
        else "web/purchases/invoices.html"
    )
    return render(request, template, context, status=status)


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.METRO_READ)
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = metro.invoice_get(invoice_id=invoice_id)
    if invoice is None:
        raise NotFound("Facture introuvable.")
    context = {
        "invoice": invoice,
        "lines": list(metro.invoice_lines(invoice=invoice)),
        "reconciled": invoice.reconciliation_status == ReconciliationStatus.RECONCILED,
        "report": invoice.reconciliation_report or {},
    }
    return render(request, "web/purchases/invoice_detail.html", context)


def _upload_template(request: HttpRequest) -> str:
    # htmx (drag and drop with progress) swaps the report alone; without script, the whole page.
    return (
        "web/purchases/_upload_report.html"
        if getattr(request, "htmx", False)
        else "web/purchases/upload.html"
    )


def _upload(request: HttpRequest) -> HttpResponse:
    template = _upload_template(request)
    try:
        files = uploads_read(
            files=request.FILES.getlist("files"),
            max_files=settings.METRO_IMPORT_MAX_FILES,
            max_file_bytes=settings.METRO_IMPORT_MAX_FILE_BYTES,
        )
    except ApplicationError as error:
        context = {"form": UploadForm(), "error": message_for(error)}
        return render(request, template, context, status=error.status_code)
    user_id = _principal(request).user.pk
    if len(files) > settings.METRO_IMPORT_SYNC_MAX_FILES:
        batch = batch_enqueue(files=files, user_id=user_id, force=False)
        context = {"form": UploadForm(), "queued": batch, "nb_files": len(files)}
        return render(request, template, context, status=202)
    result = batch_import(
        files=[SourceFile(name, data=data) for name, data in files],
        source=ImportSource.API,
        user_id=user_id,
        force=False,
        workers=1,
    )
    context = {"form": UploadForm(), "result": result.as_json(), "outcomes": result.outcomes}
    return render(request, template, context)


class InvoiceUploadView(View):
    """GET the form; POST one or many PDFs (multipart field `files`), as the API's import does."""

    # Read by BodySizeLimitMiddleware before the body is: the ceiling for all files of one request.
    max_body_bytes = settings.METRO_IMPORT_MAX_BODY_BYTES

    @method_decorator(web_page(permission=PermissionCode.METRO_WRITE))
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "web/purchases/upload.html", {"form": UploadForm()})

    @method_decorator(web_page(permission=PermissionCode.METRO_WRITE))
    def post(self, request: HttpRequest) -> HttpResponse:
        return _upload(request)


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.METRO_READ)
def products(request: HttpRequest) -> HttpResponse:
    form = ProductFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    sort_by = PRODUCT_SORTS[data.get("tri") or "montant_total"]
    page = metro.product_list(
        page=data.get("page") or 1,
        per_page=PER_PAGE,
        q=data.get("q", ""),
        category_name=data.get("categorie", ""),
        sort_by=sort_by,
        descending=sort_by != "designation",
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "categories": catalog.product_count_by_category(),
        "query": query.urlencode(),
    }
    return render(request, "web/purchases/products.html", context)


@require_http_methods(["GET"])
@web_page(permission=PermissionCode.METRO_READ)
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    product = catalog.product_get(product_id=product_id)
    if product is None:
        raise NotFound("Produit introuvable.")
    history = metro.price_points(product_id=product.pk)
    context = {"product": product, "history": history[-50:], "price_chart": charts.price_series(history)}
    context |= product_stock_context(request, product)
    return render(request, "web/purchases/product_detail.html", context)
