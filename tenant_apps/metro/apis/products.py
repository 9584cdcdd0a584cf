from __future__ import annotations

import re
from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound, ValidationFailed
from shared_apps.core.pagination import page_body
from shared_apps.core.read_cache import cached_read
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.catalog.selectors import product_get, product_get_by_ean

from ..selectors import product_list
from ..selectors.invoices import price_history
from .common import PRODUCT_FIELDS, MetroPageInput, ProductOutput, validated

_EAN = re.compile(r"^\d{8,14}$")
SORTABLE = ("montant_total", "prix_unitaire_moyen", "quantite_unitaire_totale", "nb_achats", "designation")


class ProductListApi(APIView):
    response_envelope = "page"
    OutputSerializer = ProductOutput
    required_permission = PermissionCode.METRO_READ

    class InputSerializer(MetroPageInput):
        q = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
        famille = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
        categorie = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
        taux_tva = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, default=None)
        # The predecessor's default: the biggest spend first.
        sort_by = serializers.ChoiceField(choices=SORTABLE, default="montant_total")
        sort_order = serializers.ChoiceField(choices=("asc", "desc"), default="desc")

    @cached_read
    def get(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.query_params)
        page = product_list(
            page=data["page"],
            per_page=data["per_page"],
            q=data["q"],
            family_name=data["famille"],
            category_name=data["categorie"],
            vat_rate=data["taux_tva"],
            sort_by=PRODUCT_FIELDS[data["sort_by"]],
            descending=data["sort_order"] == "desc",
        )
        return Response(page_body(page, ProductOutput))


class ProductDetailApi(APIView):
    OutputSerializer = ProductOutput
    required_permission = PermissionCode.METRO_READ

    def get(self, request: Request, produit_id: int) -> Response:
        product = product_get(product_id=produit_id)
        if product is None:
            raise NotFound("Produit introuvable.")
        return Response(ProductOutput(product).data)


class ProductByEanApi(APIView):
    OutputSerializer = ProductOutput
    required_permission = PermissionCode.METRO_READ

    def get(self, request: Request, ean: str) -> Response:
        if not _EAN.match(ean):
            raise ValidationFailed("Un EAN a de 8 à 14 chiffres.", code="invalid_ean")
        product = product_get_by_ean(ean=ean)
        if product is None:
            raise NotFound("Produit introuvable.")
        return Response(ProductOutput(product).data)


class PricePointOutput(serializers.Serializer[Any]):
    date = serializers.DateField(source="purchase_date")
    prix_unitaire = serializers.DecimalField(source="unit_price", max_digits=14, decimal_places=3)
    prix_colis = serializers.DecimalField(source="case_price", max_digits=14, decimal_places=3)
    quantite = serializers.DecimalField(source="case_quantity", max_digits=14, decimal_places=3)
    facture_id = serializers.IntegerField(source="invoice_id")
    facture_numero = serializers.CharField(source="invoice_number")


class PriceHistoryOutput(serializers.Serializer[Any]):
    produit_id = serializers.IntegerField(required=False, help_text="On the path by id.")
    ean = serializers.CharField(required=False, help_text="On the path by EAN.")
    count = serializers.IntegerField()
    history = PricePointOutput(many=True)


def _history_body(key: dict[str, object], product_id: int) -> dict[str, object]:
    history = price_history(product_id=product_id)
    return {**key, "count": len(history), "history": PricePointOutput(history, many=True).data}


class PriceHistoryApi(APIView):
    OutputSerializer = PriceHistoryOutput
    required_permission = PermissionCode.METRO_READ

    def get(self, request: Request, produit_id: int) -> Response:
        if product_get(product_id=produit_id) is None:
            raise NotFound("Produit introuvable.")
        return Response(_history_body({"produit_id": produit_id}, produit_id))


class PriceHistoryByEanApi(APIView):
    OutputSerializer = PriceHistoryOutput
    required_permission = PermissionCode.METRO_READ

    def get(self, request: Request, ean: str) -> Response:
        if not _EAN.match(ean):
            raise ValidationFailed("Un EAN a de 8 à 14 chiffres.", code="invalid_ean")
        product = product_get_by_ean(ean=ean)
        if product is None:
            raise NotFound("Produit introuvable.")
        return Response(_history_body({"ean": ean}, product.pk))
