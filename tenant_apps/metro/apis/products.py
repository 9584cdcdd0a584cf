from __future__ import annotations

import re

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound, ValidationFailed
from shared_apps.core.pagination import page_body
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.catalog.selectors import product_get, product_get_by_ean

from ..selectors import product_list
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
