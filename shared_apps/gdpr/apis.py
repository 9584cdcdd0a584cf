"""The `gdpr` endpoints."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.accounts.selectors import member_get
from shared_apps.core.openapi import MessageOutput
from shared_apps.ratelimit.services import RateLimit, enforce
from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.principal import current_principal
from shared_apps.tenants.current import request_tenant

from .selectors import gdpr_export, gdpr_inventory
from .services import gdpr_anonymize, gdpr_delete
from .sources import all_sources

# An export walks every tenant schema of the person: not something to loop on.
EXPORT_PER_USER = RateLimit(name="gdpr-export:user", limit=10, window_seconds=3600)


def _export_response(body: dict[str, Any], *, download: bool) -> Response:
    response = Response(body)
    if download:
        day = timezone.now().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="massacorp-personal-data-{day}.json"'
    return response


class ExportFilter(serializers.Serializer[Any]):
    download = serializers.BooleanField(default=False)


ExportOutput = inline_serializer(
    name="GdprExport",
    fields={
        "export_date": serializers.DateTimeField(),
        "scope": serializers.CharField(help_text="`all`, or the slug of the tenant that exported."),
        "data_retention": serializers.DictField(child=serializers.CharField()),
        # One entry per source of personal data (gdpr/sources.py): the description follows the code.
        **{source.key: serializers.JSONField(help_text=source.category) for source in all_sources()},
    },
)


# Built inline: a serializer field named `fields` would shadow Serializer.fields.
CategoryOutput = inline_serializer(
    name="GdprDataCategory",
    fields={
        "category": serializers.CharField(),
        "fields": serializers.ListField(child=serializers.CharField()),
        "purpose": serializers.CharField(),
        "retention": serializers.CharField(),
        "legal_basis": serializers.CharField(),
    },
    many=True,
)


class ProcessorOutput(serializers.Serializer[Any]):
    name = serializers.CharField()
    purpose = serializers.CharField()
    location = serializers.CharField()


class GdprExportApi(APIView):
    """The caller's own data, from every tenant they belong to."""

    FilterSerializer = ExportFilter

    @extend_schema(responses={200: ExportOutput})
    def get(self, request: Request) -> Response:
        options = self.FilterSerializer(data=request.query_params)
        options.is_valid(raise_exception=True)
        user = current_principal().user
        enforce(EXPORT_PER_USER, str(user.pk))
        return _export_response(
            gdpr_export(user=user, tenant=None), download=options.validated_data["download"]
        )


class GdprMemberExportApi(APIView):
    """What this tenant holds about one of its members."""

    FilterSerializer = ExportFilter

    required_permission = PermissionCode.USERS_ADMIN

    @extend_schema(responses={200: ExportOutput})
    def get(self, request: Request, user_id: Any) -> Response:
        options = self.FilterSerializer(data=request.query_params)
        options.is_valid(raise_exception=True)
        tenant = request_tenant(request)
        membership = member_get(tenant=tenant, user_id=user_id)
        body = gdpr_export(user=membership.user, tenant=tenant)
        return _export_response(body, download=options.validated_data["download"])


class GdprDeleteApi(APIView):
    required_permission = PermissionCode.USERS_ADMIN

    class DeleteOutputSerializer(MessageOutput):
        deleted_user_id = serializers.UUIDField()

    class InputSerializer(serializers.Serializer[Any]):
        user_id = serializers.UUIDField()
        reason = serializers.CharField(min_length=3, max_length=500)
        confirm = serializers.BooleanField()

    def delete(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = request_tenant(request)
        membership = member_get(tenant=tenant, user_id=data.validated_data["user_id"])
        gdpr_delete(
            tenant=tenant,
            user=membership.user,
            actor=current_principal().user,
            reason=data.validated_data["reason"],
            confirm=data.validated_data["confirm"],
        )
        return Response(
            {
                "success": True,
                "message": "Le compte et ses données personnelles ont été effacés ; "
                "le journal d'audit a été pseudonymisé.",
                "deleted_user_id": str(data.validated_data["user_id"]),
            }
        )


class GdprAnonymizeApi(APIView):
    required_permission = PermissionCode.USERS_ADMIN

    class OutputSerializer(MessageOutput):
        anonymized_user_id = serializers.UUIDField()

    class InputSerializer(serializers.Serializer[Any]):
        user_id = serializers.UUIDField()
        reason = serializers.CharField(min_length=3, max_length=500)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant = request_tenant(request)
        membership = member_get(tenant=tenant, user_id=data.validated_data["user_id"])
        user = gdpr_anonymize(
            tenant=tenant,
            user=membership.user,
            actor=current_principal().user,
            reason=data.validated_data["reason"],
        )
        return Response(
            {"success": True, "message": "Le compte a été anonymisé.", "anonymized_user_id": str(user.pk)}
        )


class GdprInventoryApi(APIView):
    class OutputSerializer(serializers.Serializer[Any]):
        tenant_id = serializers.CharField()
        generated_at = serializers.DateTimeField()
        data_categories = CategoryOutput
        data_processors = ProcessorOutput(many=True)
        data_subject_rights = serializers.DictField(child=serializers.CharField())

    def get(self, request: Request) -> Response:
        return Response(
            {
                "tenant_id": request_tenant(request).slug,
                "generated_at": timezone.now(),
                "data_categories": gdpr_inventory(),
                "data_processors": [
                    {
                        "name": "Hébergeur (PostgreSQL, Redis)",
                        "purpose": "Stockage et traitement des données du service",
                        "location": "UE",
                    },
                    {
                        "name": "Have I Been Pwned (API par plages)",
                        "purpose": "Détection des mots de passe compromis (k-anonymat : "
                        "seuls 5 caractères hexadécimaux d'un SHA-1 sortent)",
                        "location": "monde",
                    },
                ],
                "data_subject_rights": {
                    "access": "GET /api/v1/gdpr/export (JSON ; ?download=1 pour un fichier)",
                    "rectification": "PUT /api/v1/users/me",
                    "erasure": "demandez-le à un administrateur : DELETE /api/v1/gdpr/delete",
                    "restriction_and_objection": "demandez-le à un administrateur : "
                    "POST /api/v1/gdpr/anonymize",
                    "portability": "GET /api/v1/gdpr/export?download=1",
                },
            }
        )
