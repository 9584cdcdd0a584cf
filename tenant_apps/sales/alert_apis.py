"""/api/v1/catalog/price-alerts: the catalogue's price alerts, each with the dishes its rise makes dearer.

Served by the sales app because the dishes and their costs are its own; the alerts are read and marked
through the catalogue's selectors and services, which know nothing of dishes.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound
from shared_apps.core.plain_output import field_converter
from shared_apps.core.read_cache import cached_read
from shared_apps.rbac.enums import PermissionCode
from tenant_apps.catalog.selectors import (
    PriceAlertRow,
    price_alert_get,
    price_alert_row,
    price_alert_rows,
)
from tenant_apps.catalog.services import price_alert_mark

from .selectors import DishCost, PriceChangeCost, price_alert_dishes


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


# The documented body of one alert, read from an object with `alert` (a PriceAlert) and `dishes` (its
# PriceChangeCosts); the views write the same body through `_alerts_body` (no docstring: it would enter the
# OpenAPI schema).
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


# Each output field's own conversion (decimal places, precision, rounding), taken from the serializers.
_DISH = {name: field_converter(field) for name, field in AffectedDishOutput().fields.items()}
_ALERT = {name: field_converter(field) for name, field in PriceAlertOutput().fields.items()}
# ancien_* and nouveau_* are the same fields (`_cost`, `_pct`): a cost is written the same on either side.
_COST, _PCT = _DISH["nouveau_cout_matiere"], _DISH["nouveau_food_cost_pct"]


class _BodyWriter:
    """Writes what `PriceAlertOutput(many=True)` writes (a test compares them) as plain dicts: DRF's
    serializers spent half the time of 1,000 alerts reaching 3,600 dishes walking their fields. Each dish,
    each cost (a dish's new cost is often the next alert's old one) and each list of dishes that alerts
    share (`price_alert_dishes`) is written once."""

    def __init__(self) -> None:
        self._dishes: dict[int, tuple[Any, Any, Any]] = {}  # dish id → plat_id, plat, prix_vente_ht
        self._costs: dict[int, tuple[Any, Any]] = {}  # id() of a DishCost → cout_matiere, food_cost_pct
        self._lists: dict[int, list[dict[str, Any]]] = {}  # id() of a list of dishes → its entries

    def _cost(self, cost: DishCost) -> tuple[Any, Any]:
        written = self._costs.get(id(cost))
        if written is None:
            pct = None if cost.food_cost_pct is None else _PCT(cost.food_cost_pct)
            written = self._costs[id(cost)] = (_COST(cost.material_cost), pct)
        return written

    def _dish(self, impact: PriceChangeCost) -> dict[str, Any]:
        dish = self._dishes.get(impact.dish.id)  # `id`, not `pk`: a property, and called thousands of times
        if dish is None:
            price_ht = _DISH["prix_vente_ht"](impact.after.price_ht)  # the same before and after
            dish = (impact.dish.id, _DISH["plat"](impact.dish.name), price_ht)
            self._dishes[impact.dish.id] = dish
        (old_cost, old_pct), (new_cost, new_pct) = self._cost(impact.before), self._cost(impact.after)
        return {
            "plat_id": dish[0],
            "plat": dish[1],
            "prix_vente_ht": dish[2],
            "ancien_cout_matiere": old_cost,
            "nouveau_cout_matiere": new_cost,
            "ancien_food_cost_pct": old_pct,
            "nouveau_food_cost_pct": new_pct,
        }

    def dishes(self, impacts: list[PriceChangeCost]) -> list[dict[str, Any]]:
        entries = self._lists.get(id(impacts))
        if entries is None:
            entries = self._lists[id(impacts)] = [self._dish(impact) for impact in impacts]
        return entries


def _alerts_body(alerts: list[PriceAlertRow]) -> list[dict[str, Any]]:
    """The alerts with their dishes, as `PriceAlertOutput(many=True)` documents them (`_BodyWriter`)."""
    reached = price_alert_dishes(alerts=alerts)
    writer = _BodyWriter()
    return [
        {
            "id": _ALERT["id"](alert.id),
            "produit_sk": _ALERT["produit_sk"](alert.product_id),
            "produit": _ALERT["produit"](alert.product_designation),
            "date": _ALERT["date"](alert.date),
            "ancien_prix": _ALERT["ancien_prix"](alert.old_price),
            "nouveau_prix": _ALERT["nouveau_prix"](alert.new_price),
            "variation_pct": _ALERT["variation_pct"](alert.change_pct),
            "facture_id": _ALERT["facture_id"](alert.document_id),
            "facture_numero": _ALERT["facture_numero"](alert.document_number),
            "vu": _ALERT["vu"](alert.seen),
            "plats": writer.dishes(reached[alert.id]),
        }
        for alert in alerts
    ]


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
        return Response(_alerts_body(price_alert_rows(seen=data["vu"], limit=data["limit"])))


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
        return Response(_alerts_body([price_alert_row(alert=alert)])[0])
