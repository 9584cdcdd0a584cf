"""/api/v1/analytics/… , the sales side (the contract's names)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.rbac.enums import PermissionCode
from tenant_apps.sales.selectors import sales_by_day, top_dishes
from tenant_apps.sales.services import current_time_zone

from .periods import MAX_PERIOD_DAYS, PERIOD_PARAMETERS, period_parse


def _money(source: str | None = None) -> serializers.DecimalField:
    if source is None:
        return serializers.DecimalField(max_digits=14, decimal_places=2)
    return serializers.DecimalField(source=source, max_digits=14, decimal_places=2)


class SalesDayOutput(serializers.Serializer):
    date = serializers.DateField()
    canal = serializers.CharField(source="channel")
    nb_plats = serializers.DecimalField(source="quantity", max_digits=14, decimal_places=3)
    ca_ttc = _money()
    ca_ht = _money()
    marge_brute = _money("gross_margin")


class SalesRestaurantApi(APIView):
    """Sales per local day and channel of the orders closed in the period (30 days to now by default)."""

    required_permission = PermissionCode.ANALYTICS_READ

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={200: SalesDayOutput(many=True)})
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


class TopDishOutput(serializers.Serializer):
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

    class Query(serializers.Serializer):
        limit = serializers.IntegerField(min_value=1, max_value=200, default=10)

    @extend_schema(parameters=[Query, *PERIOD_PARAMETERS], responses={200: TopDishOutput(many=True)})
    def get(self, request: Request) -> Response:
        query = self.Query(data=request.query_params)
        query.is_valid(raise_exception=True)
        start, end = period_parse(
            start=request.query_params.get("date_debut"),
            end=request.query_params.get("date_fin"),
            zone=current_time_zone(),
            default_days=30,
            max_days=MAX_PERIOD_DAYS,
        )
        rows = top_dishes(start=start, end=end, limit=query.validated_data["limit"])
        return Response(TopDishOutput(rows, many=True).data)
