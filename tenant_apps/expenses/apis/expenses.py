"""/api/v1/depenses: expenses, filtered by date range, centre and category, paged like the other lists.

Amounts: give the VAT rate (or let the category give it) and any two of HT, TVA and TTC (or HT alone):
the rest follows, and TTC = HT + TVA to the cent, TVA within a cent of HT x rate (services.amounts_resolve).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.pagination import PageInput, page_body, paginate
from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.principal import current_principal

from ..models import CostCentre, Expense, ExpenseCategory
from ..selectors import expense_get, expense_list
from ..services import AmountError, amounts_resolve, expense_create, expense_delete, expense_update
from .common import found, money, rate, validated, vat_rate_field

READ, WRITE = PermissionCode.EXPENSES_READ, PermissionCode.EXPENSES_WRITE
# The contract's names → the model's (amounts travel together, as services.Amounts).
FIELDS = {
    "date": "date",
    "fournisseur": "supplier",
    "libelle": "label",
    "reference": "reference",
    "centre_cout": "centre",
    "categorie": "category",
}
AMOUNT_NAMES = {"amount_ht": "montant_ht", "vat_rate": "tva_pct", "vat": "tva", "amount_ttc": "montant_ttc"}


class ExpenseOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    date = serializers.DateField()
    fournisseur = serializers.CharField(source="supplier")
    libelle = serializers.CharField(source="label")
    reference = serializers.CharField()
    centre_cout = serializers.IntegerField(source="centre_id")
    centre_cout_nom = serializers.CharField(source="centre.name")
    categorie = serializers.IntegerField(source="category_id", allow_null=True)
    categorie_nom = serializers.CharField(source="category.name", allow_null=True, default=None)
    montant_ht = money(source="amount_ht")
    tva_pct = rate(source="vat_rate")
    tva = money(source="vat")
    montant_ttc = money(source="amount_ttc")
    cree_le = serializers.DateTimeField(source="created_at")
    modifie_le = serializers.DateTimeField(source="updated_at")


class ExpenseChange(serializers.Serializer[Any]):
    """The fields of an expense, all optional (a PATCH); `context["expense"]` is the expense changed."""

    date = serializers.DateField(required=False)
    fournisseur = serializers.CharField(max_length=128, required=False)
    libelle = serializers.CharField(max_length=255, required=False)
    reference = serializers.CharField(max_length=64, allow_blank=True, required=False)
    centre_cout = serializers.PrimaryKeyRelatedField(queryset=CostCentre.objects.all(), required=False)
    categorie = serializers.PrimaryKeyRelatedField(
        queryset=ExpenseCategory.objects.select_related("default_centre"), allow_null=True, required=False
    )
    montant_ht = money(required=False)
    tva_pct = vat_rate_field(required=False)
    tva = money(required=False)
    montant_ttc = money(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        expense: Expense | None = self.context.get("expense")
        centre, category = attrs.get("centre_cout"), attrs.get("categorie")
        if (
            centre is not None
            and not centre.is_active
            and (expense is None or centre.pk != expense.centre_id)
        ):
            raise serializers.ValidationError({"centre_cout": "Ce centre de coût est désactivé."})
        # Likewise a deactivated category: kept by the expenses that have it, given to no other.
        if (
            category is not None
            and not category.is_active
            and (expense is None or category.pk != expense.category_id)
        ):
            raise serializers.ValidationError({"categorie": "Cette catégorie est désactivée."})
        if expense is None and centre is None and (category is None or category.default_centre is None):
            raise serializers.ValidationError({"centre_cout": "Choisissez un centre de coût."})
        attrs["amounts"] = _amounts(attrs, expense=expense, category=category)
        return attrs


def _amounts(attrs: dict[str, Any], *, expense: Expense | None, category: ExpenseCategory | None) -> Any:
    """The checked amounts from what was given (and, for a change, what is stored); None when a change
    leaves them alone."""
    given = {name for name in AMOUNT_NAMES.values() if name in attrs}
    if expense is not None and not given:
        return None
    if "tva_pct" in attrs:
        vat_rate = attrs["tva_pct"]
    elif expense is not None:
        vat_rate = expense.vat_rate
    elif category is not None:
        vat_rate = category.default_vat_rate
    else:
        raise serializers.ValidationError({"tva_pct": "Donnez le taux de TVA (ou une catégorie)."})
    ht, vat, ttc = attrs.get("montant_ht"), attrs.get("tva"), attrs.get("montant_ttc")
    if expense is not None and ht is None and ttc is None:
        ht = expense.amount_ht  # a new rate (or VAT) on the stored HT
    try:
        return amounts_resolve(vat_rate=vat_rate, ht=ht, vat=vat, ttc=ttc)
    except AmountError as error:
        raise serializers.ValidationError({AMOUNT_NAMES[error.field]: error.message}) from error


class ExpenseNew(ExpenseChange):
    date = serializers.DateField()
    fournisseur = serializers.CharField(max_length=128)
    libelle = serializers.CharField(max_length=255)


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    return {FIELDS[key]: value for key, value in data.items() if key in FIELDS}


class ExpenseListApi(APIView):
    """Expenses, newest first, filtered by date range (inclusive), centre and category."""

    required_permission = {"GET": READ, "POST": WRITE}
    response_envelope = "page"
    response_status = {"POST": 201}
    InputSerializer = ExpenseNew
    OutputSerializer = ExpenseOutput

    class FilterSerializer(PageInput):
        date_debut = serializers.DateField(required=False, default=None)
        date_fin = serializers.DateField(required=False, default=None)
        centre_cout = serializers.IntegerField(min_value=1, required=False, default=None)
        categorie = serializers.IntegerField(min_value=1, required=False, default=None)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            start, end = attrs.get("date_debut"), attrs.get("date_fin")
            if start and end and start > end:
                raise serializers.ValidationError({"date_debut": "date_debut est postérieure à date_fin."})
            return attrs

    def get(self, request: Request) -> Response:
        query = validated(self.FilterSerializer, request.query_params)
        expenses = expense_list(
            start=query["date_debut"],
            end=query["date_fin"],
            centre_id=query["centre_cout"],
            category_id=query["categorie"],
        )
        page = paginate(expenses, page=query["page"], per_page=query["per_page"])
        return Response(page_body(page, ExpenseOutput))

    def post(self, request: Request) -> Response:
        data = validated(ExpenseNew, request.data)
        fields = _fields(data)
        expense = expense_create(
            actor=current_principal(),
            day=fields.pop("date"),
            amounts=data["amounts"],
            **fields,
        )
        return Response(ExpenseOutput(expense).data, status=status.HTTP_201_CREATED)


def _expense(expense_id: int) -> Expense:
    return found(expense_get(expense_id=expense_id), "Dépense")


class ExpenseDetailApi(APIView):
    required_permission = {"GET": READ, "PATCH": WRITE, "DELETE": WRITE}
    response_status = {"DELETE": 204}
    InputSerializer = ExpenseChange
    OutputSerializer = ExpenseOutput

    def get(self, request: Request, expense_id: int) -> Response:
        return Response(ExpenseOutput(_expense(expense_id)).data)

    def patch(self, request: Request, expense_id: int) -> Response:
        expense = _expense(expense_id)
        data = validated(ExpenseChange, request.data, context={"expense": expense})
        expense = expense_update(
            actor=current_principal(), expense=expense, amounts=data["amounts"], **_fields(data)
        )
        return Response(ExpenseOutput(expense).data)

    def delete(self, request: Request, expense_id: int) -> Response:
        expense_delete(actor=current_principal(), expense=_expense(expense_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
