"""/api/v1/catalog/… : the catalogue with purchase prices, margins and stock (the contract's names)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.plumbing import build_array_type
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound
from shared_apps.core.pagination import PageInput, page_body
from shared_apps.core.read_cache import cached_read
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.catalog.models import Category
from tenant_apps.catalog.selectors import product_get
from tenant_apps.catalog.services import product_update

from .selectors import CatalogDetail, CatalogItem, catalog_page, catalog_product, families


def _amount(source: str) -> serializers.DecimalField:
    return serializers.DecimalField(source=source, max_digits=14, decimal_places=3, allow_null=True)


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class CatalogItemOutput(serializers.Serializer[Any]):
    produit_sk = serializers.IntegerField(source="product.pk")
    produit_id = serializers.IntegerField(source="product.pk")
    nom = serializers.CharField(source="product.designation")
    categorie_id = serializers.IntegerField(source="product.category_id", allow_null=True)
    categorie_nom = serializers.CharField(source="product.category_name")
    famille = serializers.CharField(source="product.family_name")
    prix_achat = _amount("product.avg_unit_price")
    prix_vente = _amount("product.selling_price")
    marge_pct = serializers.DecimalField(
        source="margin_pct", max_digits=14, decimal_places=1, allow_null=True
    )
    stock_actuel = _amount("stock_quantity")
    seuil_alerte = _amount("product.alert_threshold")
    est_rupture = serializers.SerializerMethodField()
    jours_stock = serializers.DecimalField(
        source="days_of_stock", max_digits=14, decimal_places=1, allow_null=True
    )

    def get_est_rupture(self, item: CatalogItem) -> bool:
        return item.stock_quantity <= 0


class MovementLine(serializers.Serializer[Any]):
    date = serializers.DateField()
    type_mouvement = serializers.CharField(source="kind")
    quantite = serializers.DecimalField(source="quantity", max_digits=14, decimal_places=3)
    valeur = serializers.DecimalField(source="value", max_digits=14, decimal_places=2)


class CatalogDetailOutput(CatalogItemOutput):
    sous_famille = serializers.CharField(source="product.subcategory_name")
    tva_pct = serializers.DecimalField(
        source="product.vat_rate", max_digits=5, decimal_places=2, allow_null=True
    )
    marge_unitaire = serializers.SerializerMethodField()
    stock_valeur = serializers.DecimalField(source="stock_value", max_digits=14, decimal_places=2)
    conso_moy_30j = serializers.DecimalField(source="consumption", max_digits=14, decimal_places=3)
    est_surstock = serializers.BooleanField(source="overstock")
    mouvements_recents = MovementLine(source="recent_movements", many=True)
    ventes_30j = serializers.DecimalField(source="sales_30d", max_digits=14, decimal_places=3)
    trend_stock_pct = serializers.DecimalField(max_digits=14, decimal_places=1, allow_null=True)

    def get_marge_unitaire(self, item: CatalogDetail) -> str | None:
        selling, bought = item.product.selling_price, item.product.avg_unit_price
        if selling is None or bought is None:
            return None
        return str((selling - bought).quantize(Decimal("0.001")))


class SiteInput(serializers.Serializer[Any]):
    site = serializers.IntegerField(required=False, default=None)


class CatalogListApi(APIView):
    OutputSerializer = CatalogItemOutput
    response_envelope = "page"
    required_permission = PermissionCode.METRO_READ

    class InputSerializer(PageInput):
        site = serializers.IntegerField(required=False, default=None)
        q = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
        famille = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
        categorie_id = serializers.IntegerField(required=False, default=None)
        stock_status = serializers.ChoiceField(choices=("rupture", "low", "ok", ""), default="")
        marge_filter = serializers.ChoiceField(choices=("low", "medium", "high", ""), default="")

    @cached_read
    def get(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.query_params)
        page = catalog_page(
            page=data["page"],
            per_page=data["per_page"],
            q=data["q"],
            family=data["famille"],
            category_id=data["categorie_id"],
            stock_status=data["stock_status"],
            margin_band=data["marge_filter"],
            site_id=data["site"],
        )
        return Response(page_body(page, CatalogItemOutput))


class CatalogDetailApi(APIView):
    OutputSerializer = CatalogDetailOutput
    required_permission = {"GET": PermissionCode.METRO_READ, "PATCH": PermissionCode.METRO_WRITE}

    FilterSerializer = SiteInput

    class InputSerializer(serializers.Serializer[Any]):
        prix_vente = serializers.DecimalField(
            max_digits=14, decimal_places=3, min_value=Decimal(0), allow_null=True
        )
        seuil_alerte = serializers.DecimalField(
            max_digits=14, decimal_places=3, min_value=Decimal(0), allow_null=True
        )
        categorie_id = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), allow_null=True)

    def get(self, request: Request, produit_sk: int) -> Response:
        site = _validated(self.FilterSerializer, request.query_params)["site"]
        product = catalog_product(product_id=produit_sk, site_id=site)
        if product is None:
            raise NotFound("Produit introuvable.")
        return Response(CatalogDetailOutput(product).data)

    def patch(self, request: Request, produit_sk: int) -> Response:
        product = product_get(product_id=produit_sk)
        if product is None:
            raise NotFound("Produit introuvable.")
        serializer = self.InputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        names = {"prix_vente": "selling_price", "seuil_alerte": "alert_threshold", "categorie_id": "category"}
        product_update(product=product, **{names[k]: v for k, v in serializer.validated_data.items()})
        return Response(CatalogDetailOutput(catalog_product(product_id=produit_sk)).data)


class FamilyListApi(APIView):
    required_permission = PermissionCode.METRO_READ

    @extend_schema(responses={200: build_array_type({"type": "string"})})
    @cached_read
    def get(self, request: Request) -> Response:
        return Response(families())
