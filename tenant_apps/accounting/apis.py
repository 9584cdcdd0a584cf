"""/api/v1/comptabilite/… (included by config.urls_tenant under the `api` namespace)."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.principal import current_principal
from tenant_apps.sales.services import current_time_zone

from .downloads import fec_download
from .periods import numbering_start, period_of
from .selectors import account_list, company_siren, journal_totals
from .services import AccountChange, accounts_update, siren_set


class PeriodFilter(serializers.Serializer[Any]):
    annee = serializers.IntegerField(required=False, min_value=1900, max_value=2999)
    date_debut = serializers.DateField(required=False)
    date_fin = serializers.DateField(required=False)


def _period(query: PeriodFilter) -> tuple[Any, Any]:
    query.is_valid(raise_exception=True)
    data = query.validated_data
    return period_of(year=data.get("annee"), start=data.get("date_debut"), end=data.get("date_fin"))


class FecFilter(PeriodFilter):
    debut_exercice = serializers.DateField(
        required=False,
        help_text="first day of the fiscal year the period is part of (default: date_debut, or 1 January "
        "with annee); entries are numbered from it, as in the whole year's file",
    )


class FecExportApi(APIView):
    """The "Fichier des Écritures Comptables" of a year (`annee`) or of a fiscal year (`date_debut`,
    `date_fin`): a tab-separated text file in ISO 8859-15, named `{SIREN}FEC{closing date}.txt`, with the
    purchases journal (AC: each METRO document and each expense, by date) and the sales journal (VT: each
    day's till takings), each numbered continuously from 1 over the fiscal year (`EcritureNum`: a part of
    the year given with its `debut_exercice` keeps the numbers of the whole year's file). A 400
    `SIREN_MISSING` until the tenant's SIREN is set. Each export is written to the audit log."""

    required_permission = PermissionCode.ACCOUNTING_EXPORT
    FilterSerializer = FecFilter

    @extend_schema(
        responses={(200, "text/plain"): OpenApiResponse(OpenApiTypes.STR, description="The FEC file.")}
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        query = self.FilterSerializer(data=request.query_params)
        start, end = _period(query)
        numbered_from = numbering_start(
            fiscal_start=query.validated_data.get("debut_exercice"), start=start, end=end
        )
        principal = current_principal()
        return fec_download(
            tenant=principal.tenant, actor=principal.user, start=start, end=end, numbered_from=numbered_from
        )


class JournalTotalsApi(APIView):
    """Per journal of the period (as the FEC export takes it): its entries, Σ debit and Σ credit."""

    required_permission = PermissionCode.ACCOUNTING_EXPORT
    FilterSerializer = PeriodFilter

    class OutputSerializer(serializers.Serializer[Any]):
        class Journal(serializers.Serializer[Any]):
            code = serializers.CharField()
            libelle = serializers.CharField(source="label")
            nb_ecritures = serializers.IntegerField(source="entries")
            total_debit = serializers.DecimalField(source="debit", max_digits=16, decimal_places=2)
            total_credit = serializers.DecimalField(source="credit", max_digits=16, decimal_places=2)

        date_debut = serializers.DateField()
        date_fin = serializers.DateField()
        journaux = Journal(many=True)

    def get(self, request: Request) -> Response:
        start, end = _period(self.FilterSerializer(data=request.query_params))
        totals = journal_totals(start=start, end=end, zone=current_time_zone())
        body = {"date_debut": start, "date_fin": end, "journaux": totals}
        return Response(self.OutputSerializer(body).data)


class AccountOutput(serializers.Serializer[Any]):
    cle = serializers.CharField(source="key")
    description = serializers.CharField()
    numero = serializers.CharField(source="account.number")
    libelle = serializers.CharField(source="account.label")
    numero_auxiliaire = serializers.CharField(source="account.aux_number")
    libelle_auxiliaire = serializers.CharField(source="account.aux_label")
    par_defaut = serializers.BooleanField(source="is_default")


class AccountListApi(APIView):
    """The chart of accounts the journals post to: each key (what it receives), its account number and
    label, French PCG defaults unless the tenant changed them. `PUT` changes some keys (all or nothing);
    `numero: null` puts a key back to its default."""

    required_permission = {"GET": PermissionCode.ACCOUNTING_EXPORT, "PUT": PermissionCode.ACCOUNTING_WRITE}
    response_envelope = "list"
    OutputSerializer = AccountOutput

    class InputSerializer(serializers.Serializer[Any]):
        class Change(serializers.Serializer[Any]):
            cle = serializers.CharField(max_length=80)
            numero = serializers.CharField(max_length=20, allow_null=True)
            libelle = serializers.CharField(max_length=100, required=False, default="")
            numero_auxiliaire = serializers.CharField(
                max_length=20, required=False, default="", allow_blank=True
            )
            libelle_auxiliaire = serializers.CharField(
                max_length=100, required=False, default="", allow_blank=True
            )

        comptes = serializers.ListField(child=Change(), allow_empty=False, max_length=200)

    def get(self, request: Request) -> Response:
        return Response(AccountOutput(account_list(), many=True).data)

    @extend_schema(responses={200: AccountOutput(many=True)})
    def put(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = [
            AccountChange(
                key=item["cle"],
                number=item["numero"],
                label=item["libelle"],
                aux_number=item["numero_auxiliaire"],
                aux_label=item["libelle_auxiliaire"],
            )
            for item in data.validated_data["comptes"]
        ]
        principal = current_principal()
        accounts_update(tenant=principal.tenant, changes=changes, actor=principal.user)
        return Response(AccountOutput(account_list(), many=True).data)


class CompanySettingsApi(APIView):
    """The company's accounting identity: its SIREN, which names the FEC file (`PUT` to set it)."""

    required_permission = {"GET": PermissionCode.ACCOUNTING_EXPORT, "PUT": PermissionCode.ACCOUNTING_WRITE}

    class InputSerializer(serializers.Serializer[Any]):
        siren = serializers.CharField(max_length=11)

    class OutputSerializer(serializers.Serializer[Any]):
        siren = serializers.CharField(allow_null=True)

    def get(self, request: Request) -> Response:
        return Response({"siren": company_siren(tenant=current_principal().tenant)})

    def put(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        principal = current_principal()
        tenant = siren_set(tenant=principal.tenant, siren=data.validated_data["siren"], actor=principal.user)
        return Response({"siren": company_siren(tenant=tenant)})
