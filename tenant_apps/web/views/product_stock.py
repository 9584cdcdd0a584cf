"""What /produits/<id> shows of the product's stock and margin, and the edit of its selling price and
alert threshold (the service of PATCH /api/v1/catalog/products/{produit_sk})."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from shared_apps.core.exceptions import NotFound
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.analytics.selectors import catalog_product
from tenant_apps.catalog.models import Product
from tenant_apps.catalog.selectors import product_get
from tenant_apps.catalog.services import product_update
from tenant_apps.stock.selectors import stock_levels_of

from ..decorators import web_page
from ..formatting import money_fr, percent_fr
from ..stock_forms import ProductSettingsForm
from .account import _principal


def product_stock_context(request: HttpRequest, product: Product) -> dict[str, Any]:
    detail = catalog_product(product_id=product.pk)
    return {
        "catalog": detail,
        "levels": stock_levels_of(product_id=product.pk),
        "settings_form": ProductSettingsForm(
            initial={"prix_vente": product.selling_price, "seuil_alerte": product.alert_threshold}
        ),
        "can_edit": PermissionCode.METRO_WRITE.value in _principal(request).permissions,
    }


@require_http_methods(["POST"])
@web_page(permission=PermissionCode.METRO_WRITE)
def product_settings(request: HttpRequest, product_id: int) -> HttpResponse:
    product = product_get(product_id=product_id)
    if product is None:
        raise NotFound("Produit introuvable.")
    back = reverse("web:product", args=[product_id])
    form = ProductSettingsForm(request.POST)
    if not form.is_valid():
        problems = " ".join(f"{form.fields[name].label} : {' '.join(str(e) for e in errors)}"
                            for name, errors in form.errors.items())  # fmt: skip
        messages.error(request, f"Rien n'a été modifié. {problems}")
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    product_update(product=product, selling_price=data["prix_vente"], alert_threshold=data["seuil_alerte"])
    detail = catalog_product(product_id=product_id)
    margin = percent_fr(detail.margin_pct) if detail else "—"
    messages.success(request, f"Enregistré : prix de vente {money_fr(data['prix_vente'])}, marge {margin}.")
    return HttpResponseRedirect(back)
