"""/api/v1/sites and /api/v1/stock/… (included by config.urls_tenant under the `api` namespace)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound
from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.principal import current_principal

from .models import ExitReason, MovementKind, Site, StockCount, StockMovement
from .selectors import site_get, site_list
from .services import CountLine, site_create, site_resolve, site_update, stock_count_record, stock_exit_record

# The contract's words for the reasons of an exit.
REASONS = {"vente": ExitReason.SALE, "perte": ExitReason.LOSS, "repas_personnel": ExitReason.STAFF_MEAL}
REASONS["offert"] = ExitReason.OFFERED
REASON_NAMES = {reason.value: name for name, reason in REASONS.items()}


def _validated(serializer_class: type[serializers.Serializer[Any]], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class SiteOutput(serializers.ModelSerializer[Site]):
    nom = serializers.CharField(source="name")
    cree_le = serializers.DateTimeField(source="created_at")

    class Meta:
        model = Site
        fields = ["id", "nom", "cree_le"]


class SiteInput(serializers.Serializer[Any]):
    nom = serializers.CharField(max_length=128)


class SiteListApi(APIView):
    InputSerializer = SiteInput
    OutputSerializer = SiteOutput
    response_envelope = "list"
    response_status = {"POST": 201}
    response_links = {"POST": {"site_id": "id"}}
    required_permission = {"GET": PermissionCode.METRO_READ, "POST": PermissionCode.METRO_WRITE}

    def get(self, request: Request) -> Response:
        return Response(SiteOutput(site_list(), many=True).data)

    def post(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.data)
        return Response(SiteOutput(site_create(name=data["nom"])).data, status=status.HTTP_201_CREATED)


class SiteDetailApi(APIView):
    OutputSerializer = SiteOutput
    InputSerializer = SiteInput
    required_permission = PermissionCode.METRO_WRITE

    def patch(self, request: Request, site_id: int) -> Response:
        site = site_get(site_id=site_id)
        if site is None:
            raise NotFound("Site introuvable.")
        data = _validated(self.InputSerializer, request.data)
        return Response(SiteOutput(site_update(site=site, name=data["nom"])).data)


class CountApi(APIView):
    response_status = {"POST": 201}
    required_permission = PermissionCode.METRO_WRITE

    class InputSerializer(serializers.Serializer[Any]):
        class LineSerializer(serializers.Serializer[Any]):
            produit_sk = serializers.IntegerField(min_value=1)
            quantite = serializers.DecimalField(max_digits=14, decimal_places=3)

        site = serializers.IntegerField(required=False, default=None)
        date = serializers.DateField()
        lignes = serializers.ListField(child=LineSerializer(), allow_empty=False, max_length=5000)

    class OutputSerializer(serializers.ModelSerializer[StockCount]):
        class LineOutput(serializers.Serializer[Any]):
            produit_sk = serializers.IntegerField(source="product_id")
            theorique = serializers.DecimalField(max_digits=14, decimal_places=3, source="expected")
            compte = serializers.DecimalField(max_digits=14, decimal_places=3, source="counted")
            ecart = serializers.DecimalField(max_digits=14, decimal_places=3, source="movement.quantity")
            valeur_ecart = serializers.DecimalField(max_digits=14, decimal_places=2, source="movement.value")

        site = serializers.IntegerField(source="site_id")
        lignes = LineOutput(many=True, source="lines")

        class Meta:
            model = StockCount
            fields = ["id", "site", "date", "lignes"]

    def post(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.data)
        lines = [
            CountLine(product_id=line["produit_sk"], counted=line["quantite"]) for line in data["lignes"]
        ]
        count = stock_count_record(
            site=site_resolve(site_id=data["site"]),
            day=data["date"],
            lines=lines,
            user_id=current_principal().user_id,
        )
        count = StockCount.objects.prefetch_related("lines__movement").get(pk=count.pk)
        return Response(self.OutputSerializer(count).data, status=status.HTTP_201_CREATED)


class MovementOutput(serializers.ModelSerializer[StockMovement]):
    site = serializers.IntegerField(source="site_id")
    produit_sk = serializers.IntegerField(source="product_id")
    type_mouvement = serializers.CharField(source="kind")
    motif = serializers.SerializerMethodField()
    quantite = serializers.DecimalField(max_digits=14, decimal_places=3, source="quantity")
    cout_unitaire = serializers.DecimalField(max_digits=14, decimal_places=4, source="unit_cost")
    valeur = serializers.DecimalField(max_digits=14, decimal_places=2, source="value")

    class Meta:
        model = StockMovement
        fields = ["id", "site", "date", "produit_sk", "type_mouvement", "motif", "quantite", "cout_unitaire"]
        fields += ["valeur"]

    def get_motif(self, movement: StockMovement) -> str:
        return REASON_NAMES.get(movement.reason, "")


class MovementApi(APIView):
    """Exits (sale, loss, staff meal, offered) and transfers between sites; entries come from purchases."""

    OutputSerializer = MovementOutput
    response_status = {"POST": 201}
    required_permission = PermissionCode.METRO_WRITE

    class InputSerializer(serializers.Serializer[Any]):
        site = serializers.IntegerField(required=False, default=None)
        date = serializers.DateField()
        produit_sk = serializers.IntegerField(min_value=1)
        type_mouvement = serializers.ChoiceField(
            choices=(MovementKind.EXIT.value, MovementKind.TRANSFER.value)
        )
        motif = serializers.ChoiceField(choices=tuple(REASONS), required=False, default="perte")
        quantite = serializers.DecimalField(max_digits=14, decimal_places=3)
        site_destination = serializers.IntegerField(required=False, default=None)

    def post(self, request: Request) -> Response:
        data = _validated(self.InputSerializer, request.data)
        transfer = data["type_mouvement"] == MovementKind.TRANSFER
        movement = stock_exit_record(
            site=site_resolve(site_id=data["site"]),
            day=data["date"],
            product_id=data["produit_sk"],
            quantity=data["quantite"],
            reason=REASONS[data["motif"]],
            destination=site_resolve(site_id=data["site_destination"]) if transfer else None,
        )
        return Response(MovementOutput(movement).data, status=status.HTTP_201_CREATED)
