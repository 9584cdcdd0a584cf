"""/api/v1/centres-couts (cost centres and their monthly budgets) and /api/v1/depenses/categories
(expense categories)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import ValidationFailed
from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.principal import current_principal

from ..models import CostCentre, CostKind, ExpenseCategory
from ..selectors import category_get, category_list, centre_get, centre_list
from ..services import (
    category_create,
    category_delete,
    category_update,
    centre_create,
    centre_delete,
    centre_update,
)
from .common import found, money, rate, validated, vat_rate_field

READ, WRITE = PermissionCode.EXPENSES_READ, PermissionCode.EXPENSES_WRITE
# The contract's names of a centre's editable fields → the model's.
CENTRE_FIELDS = {"nom": "name", "type_cout": "kind", "budget_mensuel": "monthly_budget", "actif": "is_active"}
CATEGORY_FIELDS = {
    "nom": "name",
    "tva_pct_defaut": "default_vat_rate",
    "centre_cout_defaut": "default_centre",
    "actif": "is_active",
}


class CentreOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    nom = serializers.CharField(source="name")
    type_cout = serializers.ChoiceField(source="kind", choices=CostKind.choices)
    budget_mensuel = money(source="monthly_budget", allow_null=True)
    actif = serializers.BooleanField(source="is_active")
    achats_fournisseurs = serializers.BooleanField(
        source="is_purchases", help_text="fed by the supplier invoices (food and drink bought)"
    )
    cree_le = serializers.DateTimeField(source="created_at")


class CentreInput(serializers.Serializer[Any]):
    nom = serializers.CharField(max_length=64)
    type_cout = serializers.ChoiceField(choices=CostKind.choices, default=CostKind.VARIABLE)
    budget_mensuel = money(min_value=Decimal(0), allow_null=True, default=None)


class CentrePatch(serializers.Serializer[Any]):
    nom = serializers.CharField(max_length=64, required=False)
    type_cout = serializers.ChoiceField(choices=CostKind.choices, required=False)
    budget_mensuel = money(min_value=Decimal(0), allow_null=True, required=False)
    actif = serializers.BooleanField(required=False)


class CentreListApi(APIView):
    """Cost centres, active ones first then by name (`actif` filters)."""

    required_permission = {"GET": READ, "POST": WRITE}
    response_envelope = "list"
    response_status = {"POST": 201}
    InputSerializer = CentreInput
    OutputSerializer = CentreOutput

    class FilterSerializer(serializers.Serializer[Any]):
        actif = serializers.BooleanField(required=False, allow_null=True, default=None)

    def get(self, request: Request) -> Response:
        query = validated(self.FilterSerializer, request.query_params)
        centres = centre_list(active=query["actif"]).order_by("-is_active", "name", "id")
        return Response(CentreOutput(centres, many=True).data)

    def post(self, request: Request) -> Response:
        data = validated(CentreInput, request.data)
        centre = centre_create(
            actor=current_principal(),
            name=data["nom"],
            kind=data["type_cout"],
            monthly_budget=data["budget_mensuel"],
        )
        return Response(CentreOutput(centre).data, status=status.HTTP_201_CREATED)


def _centre(centre_id: int) -> CostCentre:
    return found(centre_get(centre_id=centre_id), "Centre de coût")


class CentreDetailApi(APIView):
    """One cost centre. DELETE removes an unused centre; one that expenses or categories use (or that the
    supplier invoices feed) is deactivated instead, so that its past stays in the synthesis."""

    required_permission = {"GET": READ, "PATCH": WRITE, "DELETE": WRITE}
    response_status = {"DELETE": 204}
    InputSerializer = CentrePatch
    OutputSerializer = CentreOutput

    def get(self, request: Request, centre_id: int) -> Response:
        return Response(CentreOutput(_centre(centre_id)).data)

    def patch(self, request: Request, centre_id: int) -> Response:
        centre = _centre(centre_id)
        data = validated(CentrePatch, request.data)
        fields = {CENTRE_FIELDS[key]: value for key, value in data.items()}
        centre = centre_update(actor=current_principal(), centre=centre, **fields)
        return Response(CentreOutput(centre).data)

    def delete(self, request: Request, centre_id: int) -> Response:
        centre_delete(actor=current_principal(), centre=_centre(centre_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


class CategoryOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    nom = serializers.CharField(source="name")
    tva_pct_defaut = rate(source="default_vat_rate")
    centre_cout_defaut = serializers.IntegerField(source="default_centre_id", allow_null=True)
    centre_cout_defaut_nom = serializers.CharField(
        source="default_centre.name", allow_null=True, default=None
    )
    actif = serializers.BooleanField(source="is_active")


class CategoryListApi(APIView):
    """Expense categories (each with the VAT rate and centre a new expense of it starts with)."""

    required_permission = {"GET": READ, "POST": WRITE}
    response_envelope = "list"
    response_status = {"POST": 201}
    OutputSerializer = CategoryOutput

    class InputSerializer(serializers.Serializer[Any]):
        nom = serializers.CharField(max_length=64)
        tva_pct_defaut = vat_rate_field(default=Decimal(20))
        centre_cout_defaut = serializers.PrimaryKeyRelatedField(
            queryset=CostCentre.objects.filter(is_active=True), allow_null=True, default=None
        )

    def get(self, request: Request) -> Response:
        return Response(CategoryOutput(category_list(), many=True).data)

    def post(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.data)
        category = category_create(
            actor=current_principal(),
            name=data["nom"],
            default_vat_rate=data["tva_pct_defaut"],
            default_centre=data["centre_cout_defaut"],
        )
        return Response(CategoryOutput(category).data, status=status.HTTP_201_CREATED)


class CategoryPatch(serializers.Serializer[Any]):
    nom = serializers.CharField(max_length=64, required=False)
    tva_pct_defaut = vat_rate_field(required=False)
    centre_cout_defaut = serializers.PrimaryKeyRelatedField(
        queryset=CostCentre.objects.all(),
        allow_null=True,
        required=False,
        help_text="an active centre (a category may keep one deactivated since)",
    )
    actif = serializers.BooleanField(required=False)


def _category(category_id: int) -> ExpenseCategory:
    return found(category_get(category_id=category_id), "Catégorie de dépense")


class CategoryDetailApi(APIView):
    """One expense category. DELETE removes a category no expense uses; a used one is a 409
    `CATEGORY_IN_USE` (deactivate it instead: `PATCH {"actif": false}`)."""

    required_permission = {"GET": READ, "PATCH": WRITE, "DELETE": WRITE}
    response_status = {"DELETE": 204}
    InputSerializer = CategoryPatch
    OutputSerializer = CategoryOutput

    def get(self, request: Request, category_id: int) -> Response:
        return Response(CategoryOutput(_category(category_id)).data)

    def patch(self, request: Request, category_id: int) -> Response:
        category = _category(category_id)
        data = validated(CategoryPatch, request.data)
        fields = {CATEGORY_FIELDS[key]: value for key, value in data.items()}
        try:
            category = category_update(actor=current_principal(), category=category, **fields)
        except ValidationFailed as error:
            if error.details.get("field") != "default_centre":
                raise
            raise serializers.ValidationError({"centre_cout_defaut": error.message}) from error
        return Response(CategoryOutput(category).data)

    def delete(self, request: Request, category_id: int) -> Response:
        category_delete(actor=current_principal(), category=_category(category_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
