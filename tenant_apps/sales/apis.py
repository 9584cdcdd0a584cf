"""/api/v1/ventes/… (included by config.urls_tenant under the `api` namespace)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import NotFound
from shared_apps.core.periods import MAX_PERIOD_DAYS, PERIOD_PARAMETERS, period_parse
from shared_apps.rbac.enums import PermissionCode

from .models import SalesImport
from .selectors import sales_import_get, unlinked_revenue
from .services import current_time_zone, sales_import_upload
from .services.uploads import uploads_read


class ImportInput(serializers.Serializer[Any]):
    files = serializers.ListField(child=serializers.FileField(), help_text="the export's zip, or its CSVs")
    force = serializers.BooleanField(default=False, help_text="also load orders with a blocking issue")


class IssueOutput(serializers.Serializer[Any]):
    code = serializers.CharField()
    message = serializers.CharField()


class SalesFileErrorOutput(IssueOutput):
    file = serializers.CharField(allow_null=True)
    line = serializers.IntegerField(allow_null=True)
    column = serializers.CharField(allow_null=True)


class InvalidOrderOutput(serializers.Serializer[Any]):
    id_commande = serializers.CharField()
    date_fermeture = serializers.CharField()
    problemes = IssueOutput(many=True)


class ImportOutput(serializers.Serializer[Any]):
    success = serializers.BooleanField()
    nb_commandes = serializers.IntegerField()
    nb_commandes_importees = serializers.IntegerField()
    nb_doublons = serializers.IntegerField()
    nb_invalides = serializers.IntegerField()
    nb_forcees = serializers.IntegerField()
    nb_lignes_importees = serializers.IntegerField()
    ca_ttc_importe = serializers.DecimalField(max_digits=14, decimal_places=2)
    nb_avertissements = serializers.IntegerField()
    commandes_invalides = InvalidOrderOutput(many=True)
    erreurs = SalesFileErrorOutput(many=True)
    duree_ms = serializers.IntegerField()


class JobResultOutput(ImportOutput):
    """A finished job's report: ImportOutput's fields, or only `erreurs` when the files were refused."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False


class JobAccepted(serializers.Serializer[Any]):
    job_id = serializers.UUIDField()
    status = serializers.CharField()
    nb_commandes = serializers.IntegerField()
    status_url = serializers.CharField()


class JobOutput(serializers.ModelSerializer[SalesImport]):
    job_id = serializers.UUIDField(source="pk")
    nb_commandes = serializers.IntegerField(source="order_count")
    nb_traitees = serializers.IntegerField(source="processed_count")
    nb_commandes_importees = serializers.IntegerField(source="imported_count")
    nb_lignes_importees = serializers.IntegerField(source="line_count")
    progression_pct = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    class Meta:
        model = SalesImport
        fields = ["job_id", "status", "nb_commandes", "nb_traitees", "progression_pct"]
        fields += ["nb_commandes_importees", "nb_lignes_importees", "created_at", "started_at", "finished_at"]
        fields += ["result"]

    def get_progression_pct(self, job: SalesImport) -> int:
        if not job.order_count:
            return 100 if job.status == "done" else 0
        return min(round(100 * job.processed_count / job.order_count), 100)

    @extend_schema_field(JobResultOutput(allow_null=True))
    def get_result(self, job: SalesImport) -> dict[str, Any] | None:
        return job.result or None


class SalesImportApi(APIView):
    """Upload one SumUp export (multipart field `files`: its zip, or its CSVs); a large one becomes a job.

    A file that is not part of an export, a missing column or a bad number is a 400 naming the file, line
    and column, and nothing is written. Orders already imported are skipped (by the till's order id).
    """

    required_permission = PermissionCode.SALES_WRITE
    parser_classes = [MultiPartParser]
    max_body_bytes = settings.SALES_IMPORT_MAX_BODY_BYTES

    @extend_schema(
        request={"multipart/form-data": ImportInput}, responses={200: ImportOutput, 202: JobAccepted}
    )
    def post(self, request: Request) -> Response:
        force = serializers.BooleanField().to_internal_value(request.data.get("force", False))
        files = uploads_read(
            files=request.FILES.getlist("files") + request.FILES.getlist("file"),
            max_files=settings.SALES_IMPORT_MAX_FILES,
            max_file_bytes=settings.SALES_IMPORT_MAX_FILE_BYTES,
        )
        user_id = getattr(request.user, "pk", None)
        outcome = sales_import_upload(files=files, user_id=user_id, force=force)
        if isinstance(outcome, SalesImport):
            url = reverse("api:sales-import-job", kwargs={"job_id": outcome.pk})
            body = {"job_id": str(outcome.pk), "status": outcome.status, "nb_commandes": outcome.order_count}
            body["status_url"] = url
            return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})
        return Response(outcome.as_json())


class SalesImportJobApi(APIView):
    required_permission = PermissionCode.SALES_WRITE

    @extend_schema(responses={200: JobOutput})
    def get(self, request: Request, job_id: UUID) -> Response:
        job = sales_import_get(import_id=job_id)
        if job is None:
            raise NotFound("Import introuvable.")
        return Response(JobOutput(job).data)


class CoverageOutput(serializers.Serializer[Any]):
    class Missing(serializers.Serializer[Any]):
        plat_id = serializers.IntegerField(source="dish_id", allow_null=True)
        plat = serializers.CharField(source="product_name")
        ca_ttc = serializers.DecimalField(max_digits=14, decimal_places=2)

    ca_ttc = serializers.DecimalField(source="total", max_digits=14, decimal_places=2)
    ca_ttc_avec_recette = serializers.DecimalField(source="linked", max_digits=14, decimal_places=2)
    ca_ttc_sans_recette = serializers.DecimalField(source="unlinked", max_digits=14, decimal_places=2)
    part_sans_recette_pct = serializers.DecimalField(source="unlinked_pct", max_digits=5, decimal_places=1)
    plats_sans_recette = Missing(source="missing", many=True)


class SalesCoverageApi(APIView):
    """The "unlinked revenue" gauge: the share of revenue (TTC) from dishes without a recipe, whose sales
    move no stock, and the dishes that would cover most of it (period as /analytics/ventes/restaurant)."""

    required_permission = PermissionCode.SALES_READ

    class FilterSerializer(serializers.Serializer[Any]):
        # Parsed by period_parse (days or ISO datetimes); declared so that the description names its 422.
        date_debut = serializers.CharField(required=False)
        date_fin = serializers.CharField(required=False)

    @extend_schema(parameters=PERIOD_PARAMETERS, responses={200: CoverageOutput})
    def get(self, request: Request) -> Response:
        start, end = period_parse(
            start=request.query_params.get("date_debut"),
            end=request.query_params.get("date_fin"),
            zone=current_time_zone(),
            default_days=30,
            max_days=MAX_PERIOD_DAYS,
        )
        return Response(CoverageOutput(unlinked_revenue(start=start, end=end)).data)
