from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound
from shared_apps.core.pagination import page_body
from shared_apps.core.plain_output import PlainOutput
from shared_apps.core.read_cache import cached_read
from shared_apps.rbac.enums import PermissionCode

from ..models import Invoice, InvoiceLine
from ..selectors import invoice_get, invoice_lines, invoice_list
from .common import MetroPageInput, renamed, validated

INVOICE_NAMES = {
    "id": "id",
    "numero": "number",
    "doc_type": "doc_type",
    "libelle_document": "doc_label",
    "date_facture": "invoice_date",
    "facture_le": "issued_at",
    "magasin": "store_name",
    "code_magasin": "store_code",
    "total_ht": "total_net",
    "total_tva": "total_vat",
    "total_ttc": "total_gross",
    "total_a_payer": "total_due",
    "nb_lignes": "line_count",
    "statut_rapprochement": "reconciliation_status",
    "rapport_rapprochement": "reconciliation_report",
    "numero_facture_referencee": "referenced_number",
    "fichier_source": "source_file",
    "importee_le": "imported_at",
}
_LISTED = ("id", "numero", "doc_type", "date_facture", "magasin", "total_ht", "total_tva", "total_ttc")
INVOICE_LIST_NAMES = {
    name: INVOICE_NAMES[name] for name in (*_LISTED, "total_a_payer", "nb_lignes", "importee_le")
}
LINE_NAMES = {
    "id": "id",
    "position": "position",
    "ean": "ean",
    "article_numero": "article_number",
    "designation": "designation",
    "colisage": "pack_size",
    "quantite_colis": "case_quantity",
    "quantite_unitaire": "unit_quantity",
    "poids_kg": "weight_kg",
    "prix_colis": "case_price",
    "prix_unitaire": "unit_price",
    "montant_ht": "net_amount",
    "volume_unitaire": "unit_volume",
    "unite": "unit",
    "taux_tva": "vat_rate",
    "code_tva": "vat_code",
    "montant_tva": "vat_amount",
    "regie": "excise_regime",
    "vol_alcool": "abv",
}


class InvoiceListApi(APIView):
    response_envelope = "page"
    required_permission = PermissionCode.METRO_READ

    class InputSerializer(MetroPageInput):
        date_debut = serializers.DateField(required=False, default=None)
        date_fin = serializers.DateField(required=False, default=None)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            date_from, date_to = attrs.get("date_debut"), attrs.get("date_fin")
            if date_from and date_to and date_from > date_to:
                raise serializers.ValidationError(
                    {"date_debut": "date_debut est postérieure à date_fin."}, code="invalid_date_range"
                )
            return attrs

    class OutputSerializer(PlainOutput, serializers.ModelSerializer[Any]):
        class Meta:
            model = Invoice
            fields = list(INVOICE_LIST_NAMES)
            extra_kwargs = renamed(INVOICE_LIST_NAMES)

    @cached_read
    def get(self, request: Request) -> Response:
        data = validated(self.InputSerializer, request.query_params)
        date_from, date_to = data["date_debut"], data["date_fin"]
        page = invoice_list(
            page=data["page"], per_page=data["per_page"], date_from=date_from, date_to=date_to
        )
        return Response(page_body(page, self.OutputSerializer))


class InvoiceDetailApi(APIView):
    required_permission = PermissionCode.METRO_READ

    class LineSerializer(serializers.ModelSerializer[Any]):
        facture_id = serializers.IntegerField(source="invoice_id")
        type_ligne = serializers.CharField(source="kind")
        categorie_id = serializers.IntegerField(source="category_id", allow_null=True)
        categorie = serializers.CharField(source="section")

        class Meta:
            model = InvoiceLine
            fields = [
                "id",
                "facture_id",
                "position",
                "type_ligne",
                *list(LINE_NAMES)[2:],
                "categorie_id",
                "categorie",
                "product_id",
            ]
            extra_kwargs = renamed(LINE_NAMES)

    class OutputSerializer(serializers.ModelSerializer[Any]):
        facture_referencee_id = serializers.IntegerField(source="referenced_invoice_id", allow_null=True)

        class Meta:
            model = Invoice
            fields = [*list(INVOICE_NAMES)[:16], "facture_referencee_id", *list(INVOICE_NAMES)[16:]]
            extra_kwargs = renamed(INVOICE_NAMES)

    def get(self, request: Request, facture_id: int) -> Response:
        invoice = invoice_get(invoice_id=facture_id)
        if invoice is None:
            raise NotFound("Facture introuvable.")
        body = dict(self.OutputSerializer(invoice).data)
        body["lignes"] = self.LineSerializer(invoice_lines(invoice=invoice), many=True).data
        return Response(body)
