"""/api/v1/ventes/etablissements: the till establishments and the stock site each one's sales consume."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.principal import current_principal

from .models import TillEstablishment
from .selectors import establishment_list
from .services import establishment_site_set


class EstablishmentOutput(serializers.ModelSerializer[TillEstablishment]):
    id_etablissement = serializers.CharField(source="establishment_id")
    nom = serializers.CharField(source="name")
    site_id = serializers.IntegerField(allow_null=True)
    site = serializers.CharField(source="site.name", allow_null=True, default=None)

    class Meta:
        model = TillEstablishment
        fields = ["id_etablissement", "nom", "site_id", "site"]


class EstablishmentListApi(APIView):
    """The till's establishments (the export's `ID Etablissement`) and the site each one's sales take
    their ingredients from. A tenant with several sites maps each new establishment before its import."""

    required_permission = PermissionCode.SALES_READ
    response_envelope = "list"
    OutputSerializer = EstablishmentOutput

    def get(self, request: Request) -> Response:
        return Response(EstablishmentOutput(establishment_list(), many=True).data)


class EstablishmentApi(APIView):
    """Map an establishment to a site (before its first import, or to change where its next sales go;
    the exits of sales already imported stay where they were written)."""

    required_permission = PermissionCode.SALES_WRITE
    OutputSerializer = EstablishmentOutput

    class InputSerializer(serializers.Serializer[Any]):
        site_id = serializers.IntegerField(min_value=1)
        nom = serializers.CharField(max_length=128, required=False, allow_blank=True)

    def put(self, request: Request, establishment_id: str) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        principal = current_principal()
        establishment = establishment_site_set(
            tenant=principal.tenant,
            establishment_id=establishment_id,
            site_id=data.validated_data["site_id"],
            name=data.validated_data.get("nom"),
            actor=principal.user,
        )
        return Response(EstablishmentOutput(establishment).data)
