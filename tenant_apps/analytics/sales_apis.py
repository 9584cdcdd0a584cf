"""/api/v1/analytics/… , the sales side (the contract's names), and /api/v1/stock/ecarts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.periods import MAX_PERIOD_DAYS, PERIOD_PARAMETERS, period_parse
from shared_apps.core.read_cache import cached_read
from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.permissions import has_permission
from shared_apps.rbac.principal import current_principal
from tenant_apps.sales.selectors import sales_by_day, top_dishes
from tenant_apps.sales.services import current_time_zone
from tenant_apps.stock.services import site_resolve

from .dashboard import dashboard
from .variance import stock_variance


def _money(source: str | None = None, *, allow_null: bool = False) -> serializers.DecimalField:
    if source is None:
        return serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=allow_null)
    return serializers.DecimalField(source=source, max_digits=14, decimal_places=2, allow_null=allow_null)


def _quantity(source: str, *, allow_null: bool = False) -> serializers.DecimalField:
    return serializers.DecimalField(source=source, max_digits=14, decimal_places=3, allow_null=allow_null)


class SalesDayOutput(serializers.Serializer[Any]):
    date = serializers.DateField()
    canal = serializers.CharField(source="channel")
    nb_plats = serializers.DecimalField(source="quantity", max_digits=14, decimal_places=3)
    ca_ttc = _money()
    ca_ht = _money()
    marge_brute = _money("gross_margin")


class SalesRestaurantApi(APIView):
    """Sales per local day and channel of the orders closed in the period (30 days to now by default)."""

    required_permission = PermissionCode.ANALYTICS_READ

    class FilterSerializer(serializers.Serializer[Any]):
        # Parsed by period_parse (days or ISO datetimes); declared so that the description names its 422.
        date_debut = serializers.CharField(required=False)
        date_fin = serializers.CharField(required=False)

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={200: SalesDayOutput(many=True)})
    @cached_read
    def get(self, request: Request) -> Response:
        zone = current_time_zone()
        start, end = period_parse(
            start=request.query_params.get("date_debut"),
            end=request.query_params.get("date_fin"),
            zone=zone,
            default_days=30,
            max_days=MAX_PERIOD_DAYS,
        )
        rows = sales_by_day(start=start, end=end, zone=zone)
        return Response(SalesDayOutput(rows, many=True).data)


class TopDishOutput(serializers.Serializer[Any]):
    plat = serializers.CharField(source="dish__name")
    plat_id = serializers.IntegerField(source="dish_id")
    quantite = serializers.DecimalField(source="quantity", max_digits=14, decimal_places=3)
    ca_ttc = _money()
    marge_brute = _money("gross_margin")
    food_cost_pct = serializers.DecimalField(max_digits=7, decimal_places=1, allow_null=True)
    rang_marge = serializers.IntegerField(source="margin_rank")
    rang_volume = serializers.IntegerField(source="volume_rank")


class TopDishesApi(APIView):
    """Dishes ranked by gross margin (HT base: revenue HT less the recipe's material cost), with their rank
    by quantity; over the period (30 days to now by default)."""

    required_permission = PermissionCode.ANALYTICS_READ

    class FilterSerializer(serializers.Serializer[Any]):
        limit = serializers.IntegerField(min_value=1, max_value=200, default=10)

    @extend_schema(
        parameters=[FilterSerializer, *PERIOD_PARAMETERS], responses={200: TopDishOutput(many=True)}
    )
    @cached_read
    def get(self, request: Request) -> Response:
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        zone = current_time_zone()
        start, end = period_parse(
            start=request.query_params.get("date_debut"),
            end=request.query_params.get("date_fin"),
            zone=zone,
            default_days=30,
            max_days=MAX_PERIOD_DAYS,
        )
        rows = top_dishes(start=start, end=end, zone=zone, limit=query.validated_data["limit"])
        return Response(TopDishOutput(rows, many=True).data)


class VarianceOutput(serializers.Serializer[Any]):
    class Line(serializers.Serializer[Any]):
        produit_sk = serializers.IntegerField(source="product_id")
        produit = serializers.CharField(source="product")
        stock_ouverture = _quantity("opening")
        entrees = _quantity("entries")
        sorties_ventes = _quantity("sales")
        autres_sorties = _quantity("other_exits")
        stock_theorique = _quantity("expected")
        stock_compte = _quantity("counted", allow_null=True)
        ecart_quantite = _quantity("variance", allow_null=True)
        cout_unitaire = serializers.DecimalField(source="unit_cost", max_digits=14, decimal_places=4)
        ecart_valeur = _money("variance_value", allow_null=True)

    site = serializers.IntegerField()
    date_debut = serializers.DateField(source="start")
    date_fin = serializers.DateField(source="end")
    lignes = Line(source="lines", many=True)
    total_ecart_valeur = _money("total_value")
    total_manquant_valeur = _money("shortfall_value")


class StockVarianceApi(APIView):
    """Theoretical against actual stock between the counts of a site on date_debut and on date_fin."""

    required_permission = PermissionCode.METRO_READ

    class FilterSerializer(serializers.Serializer[Any]):
        site = serializers.IntegerField(required=False, default=None)
        date_debut = serializers.DateField()
        date_fin = serializers.DateField()

    @extend_schema(parameters=[FilterSerializer], responses={200: VarianceOutput})
    @cached_read
    def get(self, request: Request) -> Response:
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        site = site_resolve(site_id=data["site"])
        report = stock_variance(site=site, start=data["date_debut"], end=data["date_fin"])
        return Response(VarianceOutput(report).data)


class SalesDashboardOutput(serializers.Serializer[Any]):
    valeur_stock_total = _money("stock_value")
    nb_produits_rupture = serializers.IntegerField(source="ruptures")
    rotation_moyenne = serializers.DecimalField(
        source="rotation", max_digits=12, decimal_places=4, allow_null=True
    )
    ca_30j = _money("ca_30d")
    nb_plats_vendus_30j = _quantity("dishes_sold_30d")
    marge_brute_30j = _money("gross_margin_30d")
    food_cost_moyen = serializers.DecimalField(
        source="food_cost_pct", max_digits=7, decimal_places=1, allow_null=True
    )
    depenses_mois = _money("expenses_month", allow_null=True)
    nb_categories = serializers.IntegerField(source="categories")


class DashboardApi(APIView):
    """The nine figures as of `?date=` (default today): stock at the end of that day, sales over the 30
    days ending on it (margins and food cost on the HT base), `depenses_mois` the HT spent in that day's
    month up to it (expenses plus supplier invoices, as in /analytics/depenses/synthese; null without the
    expenses:read permission)."""

    required_permission = PermissionCode.ANALYTICS_READ

    class FilterSerializer(serializers.Serializer[Any]):
        date = serializers.DateField(required=False, default=None)

    @extend_schema(parameters=[FilterSerializer], responses={200: SalesDashboardOutput})
    @cached_read
    def get(self, request: Request) -> Response:
        query = self.FilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        zone = current_time_zone()
        day = query.validated_data["date"] or datetime.now(zone).date()
        # Budgets are the expenses readers' business: a key or role with analytics alone gets null.
        with_expenses = has_permission(current_principal(), PermissionCode.EXPENSES_READ)
        return Response(SalesDashboardOutput(dashboard(day=day, zone=zone, with_expenses=with_expenses)).data)
