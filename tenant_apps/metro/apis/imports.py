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
from shared_apps.rbac.enums import PermissionCode

from ..models import ImportBatch, ImportSource
from ..selectors import batch_get
from ..services import SourceFile, aggregates_recalculate, batch_enqueue, batch_import, uploads_read
from ..services.parallel import parse_budget
from .common import renamed, validated

# The job's counters under the contract's names.
JOB_COUNTS = {
    "nb_fichiers": "file_count",
    "nb_traites": "processed_count",
    "nb_factures_importees": "imported_count",
    "nb_lignes_importees": "line_count",
    "nb_doublons": "duplicate_count",
    "nb_non_rapprochees": "unreconciled_count",
    "nb_erreurs": "error_count",
}


class FileErrorOutput(serializers.Serializer[Any]):
    fichier = serializers.CharField()
    code = serializers.CharField()
    message = serializers.CharField()


class UnreconciledOutput(serializers.Serializer[Any]):
    fichier = serializers.CharField()
    numero = serializers.CharField()
    raisons = serializers.ListField(child=serializers.CharField())


class FileOutcomeOutput(serializers.Serializer[Any]):
    fichier = serializers.CharField()
    statut = serializers.ChoiceField(choices=["imported", "duplicate", "unreconciled", "error"])
    numero = serializers.CharField()
    nb_lignes = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    raisons = serializers.ListField(child=serializers.CharField())


class ImportResultOutput(serializers.Serializer[Any]):
    """An import's report (services/outcomes.py builds it; the job keeps it as its `result`)."""

    success = serializers.BooleanField(help_text="Every file imported or already known.")
    statut = serializers.ChoiceField(choices=["complete", "partial", "none"])
    nb_factures_importees = serializers.IntegerField()
    nb_lignes_importees = serializers.IntegerField()
    nb_produits_agreges = serializers.IntegerField()
    erreurs = FileErrorOutput(many=True)
    duree_ms = serializers.IntegerField()
    batch_id = serializers.UUIDField()
    nb_doublons = serializers.IntegerField()
    non_rapprochees = UnreconciledOutput(many=True)
    fichiers = FileOutcomeOutput(many=True)


class ImportQueuedOutput(serializers.Serializer[Any]):
    job_id = serializers.UUIDField()
    status = serializers.CharField()
    nb_fichiers = serializers.IntegerField()
    status_url = serializers.CharField(help_text="GET it for the progress (also the Location header).")


class InvoiceImportApi(APIView):
    """Upload one or many invoice PDFs (multipart field `files`); a large batch becomes a background job."""

    response_status = {"POST": (200, 202)}

    required_permission = PermissionCode.METRO_WRITE
    parser_classes = [MultiPartParser]
    # Read by BodySizeLimitMiddleware before the body is: the ceiling for all files of one request.
    max_body_bytes = settings.METRO_IMPORT_MAX_BODY_BYTES

    class InputSerializer(serializers.Serializer[Any]):
        force = serializers.BooleanField(default=False)

    @extend_schema(responses={200: ImportResultOutput, 202: ImportQueuedOutput})
    def post(self, request: Request) -> Response:
        options = validated(self.InputSerializer, {k: v for k, v in request.data.items() if k == "force"})
        files = uploads_read(
            files=request.FILES.getlist("files") + request.FILES.getlist("file"),
            max_files=settings.METRO_IMPORT_MAX_FILES,
            max_file_bytes=settings.METRO_IMPORT_MAX_FILE_BYTES,
        )
        user_id = getattr(request.user, "pk", None)
        if len(files) > settings.METRO_IMPORT_SYNC_MAX_FILES:
            batch = batch_enqueue(files=files, user_id=user_id, force=options["force"])
            url = reverse("api:metro-import-job", kwargs={"job_id": batch.pk})
            body = {
                "job_id": str(batch.pk),
                "status": batch.status,
                "nb_fichiers": len(files),
                "status_url": url,
            }
            return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})
        sources = [SourceFile(name, data=data) for name, data in files]
        result = batch_import(
            files=sources,
            source=ImportSource.API,
            user_id=user_id,
            force=options["force"],
            parse_budget=parse_budget(synchronous=True),
        )
        return Response(result.as_json())


class ImportJobApi(APIView):
    required_permission = PermissionCode.METRO_WRITE

    class OutputSerializer(serializers.ModelSerializer[Any]):
        job_id = serializers.CharField(source="pk")
        progression_pct = serializers.SerializerMethodField()
        result = serializers.SerializerMethodField()

        class Meta:
            model = ImportBatch
            fields = ["job_id", "status", *list(JOB_COUNTS)[:2], "progression_pct", *list(JOB_COUNTS)[2:]]
            fields += ["created_at", "started_at", "finished_at", "result"]
            extra_kwargs = renamed(JOB_COUNTS)

        def get_progression_pct(self, batch: ImportBatch) -> int:
            if not batch.file_count:
                return 100
            return min(round(100 * batch.processed_count / batch.file_count), 100)

        @extend_schema_field(ImportResultOutput(allow_null=True))
        def get_result(self, batch: ImportBatch) -> dict[str, Any] | None:
            return batch.result or None

    def get(self, request: Request, job_id: UUID) -> Response:
        batch = batch_get(batch_id=job_id)
        if batch is None:
            raise NotFound("Import introuvable.")
        return Response(self.OutputSerializer(batch).data)


class RecalculateApi(APIView):
    required_permission = PermissionCode.METRO_WRITE

    class OutputSerializer(serializers.Serializer[Any]):
        success = serializers.BooleanField()
        nb_produits = serializers.IntegerField()
        message = serializers.CharField()

    def post(self, request: Request) -> Response:
        nb_produits = aggregates_recalculate()
        return Response(
            {"success": True, "nb_produits": nb_produits, "message": f"{nb_produits} produits recalculés."}
        )
