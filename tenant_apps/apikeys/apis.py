"""The `api-keys` endpoints. People manage keys (no key can mint or revoke keys); members see and revoke
their own keys, tenant administrators every key of the tenant."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.openapi import MessageOutput
from shared_apps.core.pagination import OffsetInput, offset_slice
from shared_apps.mfa.stepup import require_recent_auth
from shared_apps.rbac.enums import API_KEY_SCOPES, SCOPE_ALL, PermissionCode
from shared_apps.rbac.permissions import has_permission
from shared_apps.rbac.principal import current_principal
from shared_apps.tenants.current import request_tenant

from .models import ApiKey
from .selectors import api_key_active_count, api_key_get, api_key_list
from .services import api_key_create, api_key_revoke

SCOPE_CHOICES = sorted(API_KEY_SCOPES | {SCOPE_ALL})
DEFAULT_SCOPES = sorted(s for s in API_KEY_SCOPES if s.endswith(":read"))


class ApiKeyOutputSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()
    tenant_id = serializers.SerializerMethodField()
    key_prefix = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    is_revoked = serializers.SerializerMethodField()
    is_expired = serializers.SerializerMethodField()
    expires_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    created_by_user_id = serializers.UUIDField(source="created_by_id")
    created_at = serializers.DateTimeField()

    def get_tenant_id(self, key: ApiKey) -> str:
        return str(self.context["tenant"].slug)

    def get_is_revoked(self, key: ApiKey) -> bool:
        return key.revoked_at is not None

    def get_is_expired(self, key: ApiKey) -> bool:
        return key.is_expired(self.context["now"])


class ApiKeyCreatedOutputSerializer(ApiKeyOutputSerializer):
    raw_key = serializers.CharField(help_text="The key itself: shown in this answer only.")
    message = serializers.CharField()


def _sees_all() -> bool:
    return has_permission(current_principal(), PermissionCode.TENANT_ADMIN)


def _context(request: Request) -> dict[str, Any]:
    return {"tenant": request_tenant(request), "now": timezone.now()}


class ApiKeyListApi(APIView):
    OutputSerializer = ApiKeyOutputSerializer
    response_envelope = "keys"
    response_status = {"POST": 201}
    response_links = {"POST": {"key_id": "id"}}
    carries_secret = True  # its answer holds a token, key or secret: never cached
    required_permission = {"GET": None, "POST": PermissionCode.API_KEYS_MANAGE}

    class FilterSerializer(OffsetInput):
        include_revoked = serializers.BooleanField(default=False)

    class InputSerializer(serializers.Serializer[Any]):
        name = serializers.CharField(min_length=1, max_length=255)
        expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
        scopes = serializers.ListField(
            child=serializers.ChoiceField(choices=SCOPE_CHOICES), required=False, max_length=20
        )
        # Step-up: a current TOTP code, when the login is not recent enough.
        code = serializers.CharField(max_length=16, required=False, allow_blank=True)

    def get(self, request: Request) -> Response:
        page = self.FilterSerializer(data=request.query_params)
        page.is_valid(raise_exception=True)
        now = timezone.now()
        keys = api_key_list(
            user_id=current_principal().user.pk,
            all_of_tenant=_sees_all(),
            include_revoked=page.validated_data["include_revoked"],
            now=now,
        )
        skip, limit = page.validated_data["skip"], page.validated_data["limit"]
        page_keys = offset_slice(keys, skip=skip, limit=limit)
        body = ApiKeyOutputSerializer(page_keys, many=True, context=_context(request)).data
        return Response(
            {"keys": body, "total": keys.count(), "active_count": api_key_active_count(keys, now=now)}
        )

    @extend_schema(responses={201: ApiKeyCreatedOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        require_recent_auth(current_principal(), code=data.validated_data.get("code") or None)
        new = api_key_create(
            tenant=request_tenant(request),
            user=current_principal().user,
            name=data.validated_data["name"],
            scopes=data.validated_data.get("scopes") or DEFAULT_SCOPES,
            held=current_principal().permissions,
            expires_at=data.validated_data["expires_at"],
        )
        body = dict(ApiKeyOutputSerializer(new.key, context=_context(request)).data)
        body.update(
            raw_key=new.raw_key, message="Conservez cette clé maintenant : elle n'est affichée qu'une fois."
        )
        return Response(body, status=status.HTTP_201_CREATED)


class ApiKeyDetailApi(APIView):
    OutputSerializer = ApiKeyOutputSerializer

    class DeleteOutputSerializer(MessageOutput):
        revoked_key_id = serializers.UUIDField()

    required_permission = {"GET": None, "DELETE": PermissionCode.API_KEYS_MANAGE}

    def _key(self, request: Request, key_id: Any) -> ApiKey:
        return api_key_get(key_id=key_id, user_id=current_principal().user.pk, all_of_tenant=_sees_all())

    def get(self, request: Request, key_id: Any) -> Response:
        return Response(ApiKeyOutputSerializer(self._key(request, key_id), context=_context(request)).data)

    def delete(self, request: Request, key_id: Any) -> Response:
        key = api_key_revoke(
            tenant=request_tenant(request),
            key=self._key(request, key_id),
            actor=current_principal().user,
        )
        return Response({"success": True, "message": "Clé d'API révoquée.", "revoked_key_id": str(key.pk)})
