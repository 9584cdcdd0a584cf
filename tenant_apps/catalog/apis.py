"""/api/v1/catalog/price-alerts (included by config.urls_tenant under the `api` namespace)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound
from shared_apps.core.read_cache import cached_read
from shared_apps.rbac.enums import PermissionCode

from .models import PriceAlert
from .selectors import price_alert_get, price_alert_list
from .services import price_alert_mark


def _price(source: str) -> serializers.DecimalField:
    return serializers.DecimalField(source=source, max_digits=14, decimal_places=3)


class PriceAlertOutput(serializers.ModelSerializer[PriceAlert]):
    produit_sk = serializers.IntegerField(source="product_id")
    produit = serializers.CharField(source="product.designation")
    ancien_prix = _price("old_price")
    nouveau_prix = _price("new_price")
    variation_pct = serializers.DecimalField(source="change_pct", max_digits=9, decimal_places=2)
    facture_id = serializers.IntegerField(source="document_id")
    facture_numero = serializers.CharField(source="document_number")
    vu = serializers.BooleanField(source="seen")

    class Meta:
        model = PriceAlert
        fields = ["id", "produit_sk", "produit", "date", "ancien_prix", "nouveau_prix", "variation_pct"]
        fields += ["facture_id", "facture_numero", "vu"]


class PriceAlertListApi(APIView):
    response_envelope = "list"
    required_permission = PermissionCode.METRO_READ

    class InputSerializer(serializers.Serializer[Any]):
        vu = serializers.BooleanField(required=False, allow_null=True, default=None)
        limit = serializers.IntegerField(min_value=1, max_value=1000, default=200)

    @cached_read
    def get(self, request: Request) -> Response:
        serializer = self.InputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        alerts = price_alert_list(seen=data["vu"])[: data["limit"]]
        return Response(PriceAlertOutput(alerts, many=True).data)


class PriceAlertDetailApi(APIView):
    required_permission = PermissionCode.METRO_WRITE

    class InputSerializer(serializers.Serializer[Any]):
        vu = serializers.BooleanField()

    def patch(self, request: Request, alert_id: int) -> Response:
        alert = price_alert_get(alert_id=alert_id)
        if alert is None:
            raise NotFound("No such price alert.")
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(
            PriceAlertOutput(price_alert_mark(alert=alert, seen=serializer.validated_data["vu"])).data
        )
