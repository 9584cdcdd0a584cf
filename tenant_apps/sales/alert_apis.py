"""/api/v1/catalog/price-alerts: the catalogue's price alerts, each with the dishes its rise makes dearer.

Served by the sales app because the dishes and their costs are its own; the alerts are read and marked
through the catalogue's selectors and services, which know nothing of dishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound
from shared_apps.core.read_cache import cached_read
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.catalog.models import PriceAlert
from tenant_apps.catalog.selectors import price_alert_get, price_alert_list
from tenant_apps.catalog.services import price_alert_mark

from .selectors import PriceChangeCost, price_alert_dishes


def _price(source: str) -> serializers.DecimalField:
    return serializers.DecimalField(source=source, max_digits=14, decimal_places=3)


def _cost(source: str) -> serializers.DecimalField:
    return serializers.DecimalField(source=source, max_digits=14, decimal_places=4)


def _pct(source: str) -> serializers.DecimalField:
    return serializers.DecimalField(source=source, max_digits=7, decimal_places=1, allow_null=True)


class AffectedDishOutput(serializers.Serializer[Any]):
    plat_id = serializers.IntegerField(source="dish.pk")
    plat = serializers.CharField(source="dish.name")
    prix_vente_ht = serializers.DecimalField(source="after.price_ht", max_digits=12, decimal_places=2)
    ancien_cout_matiere = _cost("before.material_cost")
    nouveau_cout_matiere = _cost("after.material_cost")
    ancien_food_cost_pct = _pct("before.food_cost_pct")
    nouveau_food_cost_pct = _pct("after.food_cost_pct")


@dataclass(frozen=True)
class AlertDishes:
    alert: PriceAlert
    dishes: list[PriceChangeCost]


class PriceAlertOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="alert.pk")
    produit_sk = serializers.IntegerField(source="alert.product_id")
    produit = serializers.CharField(source="alert.product.designation")
    date = serializers.DateField(source="alert.date")
    ancien_prix = _price("alert.old_price")
    nouveau_prix = _price("alert.new_price")
    variation_pct = serializers.DecimalField(source="alert.change_pct", max_digits=9, decimal_places=2)
    facture_id = serializers.IntegerField(source="alert.document_id")
    facture_numero = serializers.CharField(source="alert.document_number")
    vu = serializers.BooleanField(source="alert.seen")
    # One nested serializer for every alert (a serializer made per alert copies its fields each time).
    plats = AffectedDishOutput(source="dishes", many=True)


def _alerts_body(alerts: list[PriceAlert], *, many: bool) -> Any:
    dishes = price_alert_dishes(alerts=alerts)
    rows = [AlertDishes(alert, dishes[alert.pk]) for alert in alerts]
    return PriceAlertOutput(rows if many else rows[0], many=many).data


class PriceAlertListApi(APIView):
    """Price rises on purchases, newest first. `plats`: the dishes whose recipe uses the product, with
    their material cost and food cost % before the rise (the product at `ancien_prix`) and after it (at
    `nouveau_prix`), every other ingredient at its current average cost; food cost % on the selling price
    HT (the price TTC less its VAT), as on /plats."""

    response_envelope = "list"
    required_permission = PermissionCode.METRO_READ

    class FilterSerializer(serializers.Serializer[Any]):
        vu = serializers.BooleanField(required=False, allow_null=True, default=None)
        limit = serializers.IntegerField(min_value=1, max_value=1000, default=200)

    @extend_schema(parameters=[FilterSerializer], responses={200: PriceAlertOutput(many=True)})
    @cached_read
    def get(self, request: Request) -> Response:
        serializer = self.FilterSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        alerts = list(price_alert_list(seen=data["vu"])[: data["limit"]])
        return Response(_alerts_body(alerts, many=True))


class PriceAlertDetailApi(APIView):
    """Mark a price alert seen (or not); the answer is the alert as the list shows it."""

    required_permission = PermissionCode.METRO_WRITE

    class InputSerializer(serializers.Serializer[Any]):
        vu = serializers.BooleanField()

    @extend_schema(request=InputSerializer, responses={200: PriceAlertOutput})
    def patch(self, request: Request, alert_id: int) -> Response:
        alert = price_alert_get(alert_id=alert_id)
        if alert is None:
            raise NotFound("Alerte de prix introuvable.")
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alert = price_alert_mark(alert=alert, seen=serializer.validated_data["vu"])
        return Response(_alerts_body([alert], many=False))
