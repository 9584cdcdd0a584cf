"""/stock/inventaire: the count screen, made for a phone and a barcode scanner.

The count in progress lives in the form itself (hidden product ids, typed quantities), not on the server:
each step posts the whole form back. With htmx, adding, choosing and removing a line swap the editor
alone; without script the same posts answer the whole page. Reviewing runs the count service and rolls it
back (stock_count_preview), so the variance shown and the refusals are those that confirming gives;
confirming is POST /api/v1/stock/inventaires' service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import ApplicationError
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.analytics.selectors import catalog_page
from tenant_apps.catalog.models import Product
from tenant_apps.catalog.selectors import product_get_by_ean, product_in_bulk
from tenant_apps.stock.models import Site
from tenant_apps.stock.selectors import position_on, site_list
from tenant_apps.stock.services import CountLine, site_resolve, stock_count_preview, stock_count_record

from ..decorators import web_page
from ..formatting import date_fr, money_fr
from ..stock_forms import decimal_fr, int_or_none
from .account import _principal
from .stock_errors import stock_message

MAX_LINES = 500
MATCHES = 8


@dataclass
class Line:
    product_id: int
    name: str
    ean: str
    typed: str  # the counted quantity as typed
    expected: Decimal | None = None


@dataclass
class Draft:
    sites: list[Site]
    site_id: int | None
    day: date | None
    day_typed: str
    lines: list[Line] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    matches: list[Product] = field(default_factory=list)
    focus: int | None = None  # the line whose quantity gets the focus (else the search field)


def _draft(data: QueryDict) -> Draft:
    sites = site_list()
    site_id = int_or_none(data.get("site"))
    if site_id is None and len(sites) == 1:
        site_id = sites[0].pk
    day_typed = data.get("date") or timezone.localdate().isoformat()
    try:
        day: date | None = date.fromisoformat(day_typed)
    except ValueError:
        day = None
    draft = Draft(sites=sites, site_id=site_id, day=day, day_typed=day_typed)
    ids = [int_or_none(raw) for raw in data.getlist("produit")][:MAX_LINES]
    typed = data.getlist("quantite")
    products = product_in_bulk(product_ids=[i for i in ids if i is not None])
    for index, product_id in enumerate(ids):
        if product_id is None or any(line.product_id == product_id for line in draft.lines):
            continue
        product = products.get(product_id)
        name = product.designation if product else f"Produit n° {product_id}"
        quantity = typed[index] if index < len(typed) else ""
        draft.lines.append(Line(product_id, name, product.ean if product else "", quantity.strip()[:20]))
    return draft


def _expected(draft: Draft) -> None:
    """The theoretical quantity of each line at the end of the count's day (as the service reads it)."""
    if draft.site_id is None or draft.day is None:
        return
    for line in draft.lines:
        line.expected = position_on(product_id=line.product_id, site_id=draft.site_id, day=draft.day).quantity


def _add(draft: Draft, product: Product) -> None:
    for index, line in enumerate(draft.lines):
        if line.product_id == product.pk:
            draft.errors.append(f"{product.designation} est déjà ligne {index + 1}.")
            draft.focus = index
            return
    if len(draft.lines) >= MAX_LINES:
        draft.errors.append(f"Un inventaire compte au plus {MAX_LINES} produits.")
        return
    draft.lines.append(Line(product.pk, product.designation, product.ean, ""))
    draft.focus = len(draft.lines) - 1


def _search(draft: Draft, query: str) -> None:
    """An EAN (a scanner types it, then Enter) adds its product; a name adds the one product it matches,
    or lists the candidates to choose from."""
    query = query.strip()[:100]
    if not query:
        return
    product = product_get_by_ean(ean=query) if query.isdigit() else None
    if product is not None:
        _add(draft, product)
        return
    found = catalog_page(page=1, per_page=MATCHES + 1, q=query, site_id=draft.site_id).items
    if len(found) == 1:
        _add(draft, found[0].product)
    elif not found:
        draft.errors.append(f"Aucun produit ne correspond à « {query} ».")
    else:
        draft.matches = [item.product for item in found[:MATCHES]]


def _edit(draft: Draft, data: QueryDict) -> None:
    """The editing actions: add from the search field, choose a candidate, remove a line."""
    chosen = int_or_none(data.get("choisir"))
    removed = int_or_none(data.get("retirer"))
    if chosen is not None:
        product = product_in_bulk(product_ids=[chosen]).get(chosen)
        if product is not None:
            _add(draft, product)
    elif removed is not None and 0 < removed <= len(draft.lines):
        del draft.lines[removed - 1]
    elif data.get("action") == "ajouter":
        _search(draft, data.get("q", ""))


def _count_lines(draft: Draft) -> list[CountLine] | None:
    """The lines as the service takes them; None (with the errors said) when something is missing."""
    if draft.site_id is None:
        draft.errors.append("Choisissez le site.")
    if draft.day is None:
        draft.errors.append("Saisissez la date du comptage.")
    if not draft.lines:
        draft.errors.append("Ajoutez au moins un produit.")
    lines = []
    for index, line in enumerate(draft.lines):
        counted = decimal_fr(line.typed) if line.typed else None
        if counted is None or abs(counted) >= Decimal(10) ** 11:
            draft.errors.append(f"Ligne {index + 1} ({line.name}) : saisissez la quantité comptée (ex. 2,5).")
            continue
        lines.append(CountLine(product_id=line.product_id, counted=counted.quantize(Decimal("0.001"))))
    return None if draft.errors else lines


def _page(request: HttpRequest, draft: Draft, *, status: int = 200) -> HttpResponse:
    _expected(draft)
    context: dict[str, Any] = {"draft": draft, "today": timezone.localdate()}
    htmx = getattr(request, "htmx", False)
    template = "web/stock/_count_editor.html" if htmx else "web/stock/count.html"
    # htmx swaps only successful answers by default: an editing refusal is said in the editor, with 200.
    return render(request, template, context, status=200 if htmx else status)


@require_http_methods(["GET", "POST"])
@web_page(permission=PermissionCode.METRO_WRITE)
def stock_count(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    draft = _draft(data)
    action = data.get("action", "")
    if request.method == "GET" or action not in ("verifier", "confirmer"):
        _edit(draft, data)
        return _page(request, draft, status=400 if draft.errors else 200)
    lines = _count_lines(draft)
    if lines is None:
        return _page(request, draft, status=400)
    try:
        site = site_resolve(site_id=draft.site_id)
        assert draft.day is not None  # _count_lines said so otherwise
        user_id = _principal(request).user.pk
        if action == "confirmer":
            count = stock_count_record(site=site, day=draft.day, lines=lines, user_id=user_id)
            return _recorded(
                request, site=site, day=draft.day, lines=list(count.lines.select_related("movement"))
            )
        preview = stock_count_preview(site=site, day=draft.day, lines=lines, user_id=user_id)
    except ApplicationError as error:
        draft.errors.append(stock_message(error, names=[line.name for line in draft.lines]))
        return _page(request, draft, status=400)
    return _review(request, draft, site=site, preview=preview)


def _review(request: HttpRequest, draft: Draft, *, site: Site, preview: list[Any]) -> HttpResponse:
    rows = [{"line": line, "result": result} for line, result in zip(draft.lines, preview, strict=True)]
    context = {
        "draft": draft,
        "site": site,
        "rows": rows,
        "total_value": sum((r.movement.value for r in preview), Decimal(0)),
        "changed": sum(1 for r in preview if r.movement.quantity),
    }
    return render(request, "web/stock/count_review.html", context)


def _recorded(request: HttpRequest, *, site: Site, day: date, lines: list[Any]) -> HttpResponse:
    total = sum((line.movement.value for line in lines), Decimal(0))
    messages.success(
        request,
        f"Inventaire du {date_fr(day)} enregistré ({site.name}) : {len(lines)} produit(s), "
        f"écart total {money_fr(total)}.",
    )
    return HttpResponseRedirect(f"{reverse('web:stock')}?site={site.pk}")
