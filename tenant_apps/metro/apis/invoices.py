from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound, ValidationFailed
from shared_apps.core.pagination import PageInput, page_body
from shared_apps.rbac.enums import PermissionCode

from ..models import Invoice, InvoiceLine
from ..selectors import invoice_get, invoice_lines, invoice_list
from ..selectors.invoices import INVOICE_LIST_FIELDS
from .common import validated


class InvoiceListApi(APIView):
    required_permission = PermissionCode.METRO_READ

    class InputSerializer(PageInput):
        date_debut = serializers.DateField(required=False, default=None)
        date_fin = serializers.DateField(required=False, default=None)

    class OutputSerializer(serializers.ModelSerializer[Any]):
        class Meta:
            model = Invoice
            fields = list(INVOICE_LIST_FIELDS)

    def get(self, request: Request) -> Response:
        filters = validated(self.InputSerializer, request.query_params)
        if filters["date_debut"] and filters["date_fin"] and filters["date_debut"] > filters["date_fin"]:
            raise ValidationFailed("date_debut is after date_fin.", code="invalid_date_range")
        return Response(page_body(invoice_list(**filters), self.OutputSerializer))


class InvoiceDetailApi(APIView):
    required_permission = PermissionCode.METRO_READ

    class LineSerializer(serializers.ModelSerializer[Any]):
        facture_id = serializers.IntegerField(source="invoice_id")
        categorie_id = serializers.IntegerField(allow_null=True)
        type_ligne = serializers.CharField(source="kind")

        class Meta:
            model = InvoiceLine
            fields = [
                "id",
                "facture_id",
                "position",
                "type_ligne",
                "ean",
                "article_numero",
                "designation",
                "colisage",
                "quantite_colis",
                "quantite_unitaire",
                "poids_kg",
                "prix_colis",
                "prix_unitaire",
                "montant_ht",
                "volume_unitaire",
                "unite",
                "taux_tva",
                "code_tva",
                "montant_tva",
                "regie",
                "vol_alcool",
                "categorie_id",
                "categorie",
                "product_id",
            ]

    class OutputSerializer(serializers.ModelSerializer[Any]):
        facture_referencee_id = serializers.IntegerField(allow_null=True)

        class Meta:
            model = Invoice
            fields = [
                "id",
                "numero",
                "doc_type",
                "libelle_document",
                "date_facture",
                "facture_le",
                "magasin",
                "code_magasin",
                "total_ht",
                "total_tva",
                "total_ttc",
                "total_a_payer",
                "nb_lignes",
                "statut_rapprochement",
                "rapport_rapprochement",
                "numero_facture_referencee",
                "facture_referencee_id",
                "fichier_source",
                "importee_le",
            ]

    def get(self, request: Request, facture_id: int) -> Response:
        invoice = invoice_get(invoice_id=facture_id)
        if invoice is None:
            raise NotFound("No such invoice.")
        body = dict(self.OutputSerializer(invoice).data)
        body["lignes"] = self.LineSerializer(invoice_lines(invoice=invoice), many=True).data
        return Response(body)
