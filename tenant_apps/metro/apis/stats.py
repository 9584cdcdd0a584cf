from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.plain_output import PlainOutput
from shared_apps.core.read_cache import cached_read
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.catalog.selectors import product_count_by_category, spend_by_category, spend_by_vat_rate

from ..selectors.stats import customer_spend, dashboard, summary
from .common import ProductOutput


class SummaryOutput(PlainOutput):
    nb_factures = serializers.IntegerField(source="invoice_count")
    nb_produits = serializers.IntegerField(source="product_count")
    nb_lignes = serializers.IntegerField(source="line_count")
    total_ht = serializers.DecimalField(max_digits=16, decimal_places=2, source="total_net")
    total_tva = serializers.DecimalField(max_digits=16, decimal_places=2, source="total_vat")
    total_ttc = serializers.DecimalField(max_digits=16, decimal_places=2, source="total_gross")
    date_premiere_facture = serializers.DateField(allow_null=True, source="first_invoice_date")
    date_derniere_facture = serializers.DateField(allow_null=True, source="last_invoice_date")


class CategoryStatOutput(PlainOutput):
    categorie = serializers.CharField(source="category_label")
    nb_produits = serializers.IntegerField(source="product_count")
    quantite_totale = serializers.DecimalField(
        max_digits=16, decimal_places=3, allow_null=True, source="unit_quantity"
    )
    montant_total_ht = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, source="total_net"
    )
    montant_total_tva = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, source="total_vat"
    )
    pct_ca = serializers.DecimalField(max_digits=6, decimal_places=2, source="share_pct")


class VatStatOutput(PlainOutput):
    taux_tva = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, source="vat_rate")
    nb_produits = serializers.IntegerField(source="product_count")
    montant_ht = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, source="total_net"
    )
    montant_tva = serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, source="total_vat"
    )
    pct_total = serializers.DecimalField(max_digits=6, decimal_places=2, source="share_pct")


class SummaryApi(APIView):
    OutputSerializer = SummaryOutput
    required_permission = PermissionCode.METRO_READ

    @cached_read
    def get(self, request: Request) -> Response:
        return Response(SummaryOutput(summary()).data)


class DashboardApi(APIView):
    required_permission = PermissionCode.METRO_READ

    class OutputSerializer(PlainOutput):
        summary = SummaryOutput()
        categories = CategoryStatOutput(many=True)
        tva_breakdown = VatStatOutput(many=True, source="vat_rates")
        top_produits = ProductOutput(many=True, source="top_products")

    @cached_read
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(dashboard()).data)


class CategoryStatsApi(APIView):
    OutputSerializer = CategoryStatOutput
    response_envelope = "list"
    required_permission = PermissionCode.METRO_READ

    @cached_read
    def get(self, request: Request) -> Response:
        return Response(CategoryStatOutput(spend_by_category(), many=True).data)


class VatStatsApi(APIView):
    OutputSerializer = VatStatOutput
    response_envelope = "list"
    required_permission = PermissionCode.METRO_READ

    @cached_read
    def get(self, request: Request) -> Response:
        return Response(VatStatOutput(spend_by_vat_rate(), many=True).data)


class CategoryListApi(APIView):
    response_envelope = "list"
    required_permission = PermissionCode.METRO_READ

    class OutputSerializer(PlainOutput):
        categorie = serializers.CharField(source="category_label")
        count = serializers.IntegerField()

    @cached_read
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(product_count_by_category(), many=True).data)


class CustomerListApi(APIView):
    """Spend per METRO customer number (the predecessor's invoice page lists them)."""

    response_envelope = "list"

    required_permission = PermissionCode.METRO_READ

    class OutputSerializer(serializers.Serializer[Any]):
        numero_client = serializers.CharField(source="customer.printed")
        magasin = serializers.CharField(source="customer.store")
        numero = serializers.IntegerField(source="customer.number")
        site_id = serializers.IntegerField(source="customer.site_id")
        site = serializers.CharField(source="site_name")
        nb_factures = serializers.IntegerField(source="invoice_count")
        total_ht = serializers.DecimalField(max_digits=16, decimal_places=2, source="total_net")
        total_ttc = serializers.DecimalField(max_digits=16, decimal_places=2, source="total_gross")
        premiere_facture = serializers.DateField(source="first_invoice_date", allow_null=True)
        derniere_facture = serializers.DateField(source="last_invoice_date", allow_null=True)

    @cached_read
    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(customer_spend(), many=True).data)
