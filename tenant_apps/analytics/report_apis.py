"""/api/v1/analytics/… , the stock side (the contract's names)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import ValidationFailed
from shared_apps.core.read_cache import cached_read
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.catalog.selectors import classification_preview, classification_report, taxonomy
from tenant_apps.catalog.services import products_classify
from tenant_apps.stock.models import MovementKind
from tenant_apps.stock.selectors import movement_latest

from .reports import products_top, stock_valuation

MAX_DAYS = 366


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _decimal(source: str, places: int = 3) -> serializers.DecimalField:
    return serializers.DecimalField(source=source, max_digits=16, decimal_places=places, allow_null=True)


class CategoryTaxonomyApi(APIView):
    response_envelope = "list"
    required_permission = PermissionCode.ANALYTICS_READ

    class InputSerializer(serializers.Serializer[Any]):
        famille = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)
        ingredients_only = serializers.BooleanField(required=False, default=False)

    class OutputSerializer(serializers.Serializer[Any]):
        categorie_id = serializers.IntegerField(source="pk")
        code = serializers.CharField()
        nom = serializers.CharField(source="label")
        famille = serializers.CharField(source="family")
        categorie = serializers.CharField(source="name")
        sous_categorie = serializers.CharField(source="subcategory")
        tva_defaut = _decimal("vat_default", 2)
        est_ingredient_resto = serializers.BooleanField(source="is_ingredient")
        priorite_ingredient = serializers.IntegerField(source="ingredient_priority")

    @cached_read
    def get(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.query_params)
        categories = taxonomy(family=data["famille"], ingredients_only=data["ingredients_only"])
        return Response(self.OutputSerializer(categories, many=True).data)


class StockValuationApi(APIView):
    response_envelope = "list"
    required_permission = PermissionCode.ANALYTICS_READ

    class InputSerializer(serializers.Serializer[Any]):
        date_debut = serializers.DateField(required=False, default=None)
        date_fin = serializers.DateField(required=False, default=None)

    class OutputSerializer(serializers.Serializer[Any]):
        date = serializers.DateField()
        famille = serializers.CharField(source="family")
        categorie = serializers.CharField(source="category")
        quantite_totale = _decimal("quantity")
        valeur_totale = _decimal("value", 2)
        nb_ruptures = serializers.IntegerField(source="ruptures")
        rotation_moyenne = _decimal("rotation", 4)

    @cached_read
    def get(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.query_params)
        date_to = data["date_fin"] or timezone.localdate()
        date_from = data["date_debut"] or date_to.replace(day=1)
        if date_from > date_to or (date_to - date_from).days > MAX_DAYS:
            raise ValidationFailed("La période est inversée ou dépasse un an.", code="invalid_date_range")
        rows = stock_valuation(date_from=date_from, date_to=date_to)
        return Response(self.OutputSerializer(rows, many=True).data)


class StockMovementListApi(APIView):
    response_envelope = "list"
    required_permission = PermissionCode.ANALYTICS_READ

    class InputSerializer(serializers.Serializer[Any]):
        date_debut = serializers.DateField(required=False, default=None)
        date_fin = serializers.DateField(required=False, default=None)
        type_mouvement = serializers.ChoiceField(choices=("", *MovementKind.values), default="")
        limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)

    class OutputSerializer(serializers.Serializer[Any]):
        date = serializers.DateField()
        produit = serializers.CharField(source="product.designation")
        type_mouvement = serializers.CharField(source="kind")
        quantite = _decimal("quantity")
        valeur = _decimal("value", 2)

    @cached_read
    def get(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.query_params)
        movements = movement_latest(
            date_from=data["date_debut"],
            date_to=data["date_fin"],
            kind=data["type_mouvement"],
            limit=data["limit"],
        )
        return Response(self.OutputSerializer(movements, many=True).data)


class ProductTopApi(APIView):
    response_envelope = "list"
    required_permission = PermissionCode.ANALYTICS_READ

    class OutputSerializer(serializers.Serializer[Any]):
        produit = serializers.CharField(source="product")
        volume_vendu = _decimal("units")
        ca_total = _decimal("turnover", 2)
        marge_totale = _decimal("margin", 2)
        marge_pct = _decimal("margin_pct", 1)

    @cached_read
    def get(self, request: Request) -> Response:
        limit = serializers.IntegerField(min_value=1, max_value=100).run_validation(
            request.query_params.get("limit", 10)
        )
        return Response(self.OutputSerializer(products_top(limit=limit), many=True).data)


class ClassifyApi(APIView):
    required_permission = PermissionCode.TENANT_ADMIN

    class OutputSerializer(serializers.Serializer[Any]):
        total = serializers.IntegerField()
        classified = serializers.IntegerField()
        unclassified = serializers.IntegerField()
        classification_rate = serializers.FloatField(help_text="percent, one decimal (a JSON number)")
        categories = serializers.DictField(child=serializers.IntegerField(), help_text="products per code")
        unclassified_samples = serializers.ListField(child=serializers.CharField())

    def post(self, request: Request) -> Response:
        products_classify()
        report = classification_report()
        return Response(
            {
                "total": report["total"],
                "classified": report["classified"],
                "unclassified": report["unclassified"],
                "classification_rate": report["rate"],
                "categories": report["categories"],
                "unclassified_samples": report["unclassified_samples"],
            }
        )


class ClassifyPreviewApi(APIView):
    required_permission = PermissionCode.ANALYTICS_READ

    class FilterSerializer(serializers.Serializer[Any]):
        limit = serializers.IntegerField(min_value=1, max_value=100, default=5)

    class OutputSerializer(serializers.Serializer[Any]):
        class Example(serializers.Serializer[Any]):
            id = serializers.IntegerField()
            nom = serializers.CharField()
            pattern = serializers.CharField(help_text="the rule's pattern; empty under the fallback code")

        total_products = serializers.IntegerField()
        preview = serializers.DictField(child=Example(many=True), help_text="examples per category code")

    def get(self, request: Request) -> Response:
        limit = _validated(self.FilterSerializer, request.query_params)["limit"]
        preview = classification_preview(limit=limit)
        codes = {
            code: [{"id": p["id"], "nom": p["name"], "pattern": p["pattern"]} for p in products]
            for code, products in preview["preview"].items()
        }
        return Response({"total_products": preview["total_products"], "preview": codes})
