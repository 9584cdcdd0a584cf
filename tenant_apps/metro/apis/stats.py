from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.rbac.enums import PermissionCode

from ..selectors import category_counts, dashboard, stats_categories, stats_tva, summary
from .common import ProductOutput


class SummaryOutput(serializers.Serializer[Any]):
    nb_factures = serializers.IntegerField()
    nb_produits = serializers.IntegerField()
    nb_lignes = serializers.IntegerField()
    total_ht = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_tva = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_ttc = serializers.DecimalField(max_digits=16, decimal_places=2)
    date_premiere_facture = serializers.DateField(allow_null=True)
    date_derniere_facture = serializers.DateField(allow_null=True)


class CategoryStatOutput(serializers.Serializer[Any]):
    categorie = serializers.CharField()
    nb_produits = serializers.IntegerField()
    quantite_totale = serializers.DecimalField(max_digits=16, decimal_places=3, allow_null=True)
    montant_total_ht = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    montant_total_tva = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    pct_ca = serializers.DecimalField(max_digits=6, decimal_places=2)


class VatStatOutput(serializers.Serializer[Any]):
    taux_tva = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    nb_produits = serializers.IntegerField()
    montant_ht = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    montant_tva = serializers.DecimalField(max_digits=16, decimal_places=2, allow_null=True)
    pct_total = serializers.DecimalField(max_digits=6, decimal_places=2)


class SummaryApi(APIView):
    required_permission = PermissionCode.METRO_READ

    def get(self, request: Request) -> Response:
        return Response(SummaryOutput(summary()).data)


class DashboardApi(APIView):
    required_permission = PermissionCode.METRO_READ

    class OutputSerializer(serializers.Serializer[Any]):
        summary = SummaryOutput()
        categories = CategoryStatOutput(many=True)
        tva_breakdown = VatStatOutput(many=True)
        top_produits = ProductOutput(many=True)

    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(dashboard()).data)


class CategoryStatsApi(APIView):
    required_permission = PermissionCode.METRO_READ

    def get(self, request: Request) -> Response:
        return Response(CategoryStatOutput(stats_categories(), many=True).data)


class VatStatsApi(APIView):
    required_permission = PermissionCode.METRO_READ

    def get(self, request: Request) -> Response:
        return Response(VatStatOutput(stats_tva(), many=True).data)


class CategoryListApi(APIView):
    required_permission = PermissionCode.METRO_READ

    class OutputSerializer(serializers.Serializer[Any]):
        categorie = serializers.CharField()
        count = serializers.IntegerField()

    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(category_counts(), many=True).data)
