"""The `users` endpoints (the caller's profile, and a tenant administrator's view of the members),
self-sign-up (`auth/register`) and the tenant's audit log. Input serializers list the fields each operation
accepts; anything else a client sends is dropped before a service sees it."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.accounts.models import Membership
from shared_apps.accounts.registration import self_register
from shared_apps.accounts.selectors import member_get, member_list
from shared_apps.accounts.services import member_create, user_profile_update
from shared_apps.accounts.validators import validate_e164
from shared_apps.audit.models import EventType
from shared_apps.audit.selectors import audit_event_list
from shared_apps.core.context import request_context
from shared_apps.core.exceptions import PermissionDenied
from shared_apps.core.openapi import MessageOutput
from shared_apps.core.pagination import OffsetInput, offset_slice
from shared_apps.mfa.stepup import require_recent_auth
from shared_apps.ratelimit.keys import ip_scope
from shared_apps.ratelimit.services import RateLimit, enforce
from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.permissions import require_permission
from shared_apps.rbac.principal import Principal, current_principal
from shared_apps.tenants.current import request_tenant

from .serializers import MeOutputSerializer, UserDetailOutputSerializer, UserOutputSerializer
from .services import member_remove, member_set_active, member_update

REGISTER_PER_IP = RateLimit(name="register:ip", limit=10, window_seconds=3600)


def _detail(membership: Membership, request: Request) -> dict[str, Any]:
    context = {"membership": membership, "tenant": request_tenant(request)}
    return UserDetailOutputSerializer(membership.user, context=context).data


def _me_context(principal: Principal) -> dict[str, Any]:
    return {"tenant": principal.tenant, "has_mfa": principal.mfa.enabled}


class MeApi(APIView):
    OutputSerializer = MeOutputSerializer

    class InputSerializer(serializers.Serializer[Any]):
        first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        phone = serializers.CharField(
            max_length=16, required=False, allow_blank=True, validators=[validate_e164]
        )

    def get(self, request: Request) -> Response:
        principal = current_principal()
        return Response(MeOutputSerializer(principal.user, context=_me_context(principal)).data)

    def put(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        principal = current_principal()
        user = user_profile_update(tenant=principal.tenant, user=principal.user, data=data.validated_data)
        return Response(MeOutputSerializer(user, context=_me_context(principal)).data)


class UserListApi(APIView):
    OutputSerializer = UserOutputSerializer
    response_envelope = "users"
    response_status = {"POST": 201}
    response_links = {"POST": {"user_id": "id"}}
    required_permission = {"GET": PermissionCode.USERS_READ, "POST": PermissionCode.USERS_WRITE}

    class FilterSerializer(OffsetInput):
        pass

    class InputSerializer(serializers.Serializer[Any]):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
        last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
        phone = serializers.CharField(max_length=16, required=False, allow_blank=True, default="")
        is_active = serializers.BooleanField(default=True)
        is_verified = serializers.BooleanField(default=False)
        is_superuser = serializers.BooleanField(default=False)

    def get(self, request: Request) -> Response:
        page = self.FilterSerializer(data=request.query_params)
        page.is_valid(raise_exception=True)
        memberships, total = member_list(tenant=request_tenant(request), **page.validated_data)
        context = {"tenant": request_tenant(request), "memberships": {m.user_id: m for m in memberships}}
        users = UserOutputSerializer([m.user for m in memberships], many=True, context=context).data
        return Response({"users": users, "total": total})

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        fields["is_admin"] = fields.pop("is_superuser")
        if fields["is_admin"]:  # making an administrator is more than users:write
            require_permission(current_principal(), PermissionCode.USERS_ADMIN)
        membership = member_create(tenant=request_tenant(request), actor=current_principal().user, **fields)
        return Response(_detail(membership, request), status=status.HTTP_201_CREATED)


class UserDetailApi(APIView):
    OutputSerializer = UserDetailOutputSerializer
    response_status = {"DELETE": 204}
    required_permission = {
        "GET": PermissionCode.USERS_READ,
        "PUT": PermissionCode.USERS_WRITE,
        "DELETE": PermissionCode.USERS_ADMIN,
    }

    class InputSerializer(serializers.Serializer[Any]):
        first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        phone = serializers.CharField(max_length=16, required=False, allow_blank=True)
        email = serializers.EmailField(max_length=254, required=False)
        is_active = serializers.BooleanField(required=False)
        is_verified = serializers.BooleanField(required=False)
        is_superuser = serializers.BooleanField(required=False)
        # Step-up for an e-mail change: a current TOTP code when the login is older than the window.
        code = serializers.CharField(max_length=16, required=False, allow_blank=True)

    def get(self, request: Request, user_id: Any) -> Response:
        return Response(_detail(member_get(tenant=request_tenant(request), user_id=user_id), request))

    def put(self, request: Request, user_id: Any) -> Response:
        tenant = request_tenant(request)
        membership = member_get(tenant=tenant, user_id=user_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        code = fields.pop("code", None) or None
        if "is_superuser" in fields:
            fields["is_admin"] = fields.pop("is_superuser")
        if "email" in fields:  # an e-mail change can take over the account: a recent sign-in or a code
            require_recent_auth(current_principal(), code=code)
        if "is_admin" in fields or "is_active" in fields:  # promotion and deactivation are users:admin
            require_permission(current_principal(), PermissionCode.USERS_ADMIN)
        membership = member_update(
            tenant=tenant,
            membership=membership,
            actor=current_principal().user,
            data=fields,
        )
        return Response(_detail(membership, request))

    def delete(self, request: Request, user_id: Any) -> Response:
        tenant = request_tenant(request)
        membership = member_get(tenant=tenant, user_id=user_id)
        member_remove(tenant=tenant, membership=membership, actor=current_principal().user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _UserActionApi(APIView):
    OutputSerializer = MessageOutput
    required_permission: str = PermissionCode.USERS_WRITE
    message = ""

    def act(self, request: Request, membership: Membership) -> None:
        raise NotImplementedError

    def post(self, request: Request, user_id: Any) -> Response:
        membership = member_get(tenant=request_tenant(request), user_id=user_id)
        self.act(request, membership)
        return Response({"success": True, "message": self.message})


class UserVerifyApi(_UserActionApi):
    message = "Utilisateur vérifié."

    def act(self, request: Request, membership: Membership) -> None:
        member_update(
            tenant=request_tenant(request),
            membership=membership,
            actor=current_principal().user,
            data={"is_verified": True},
        )


class _UserSetActiveApi(_UserActionApi):
    is_active: bool

    def act(self, request: Request, membership: Membership) -> None:
        member_set_active(
            tenant=request_tenant(request),
            membership=membership,
            actor=current_principal().user,
            is_active=self.is_active,
        )


class UserActivateApi(_UserSetActiveApi):
    is_active = True
    message = "Utilisateur activé."


class UserDeactivateApi(_UserSetActiveApi):
    required_permission = PermissionCode.USERS_ADMIN
    is_active = False
    message = "Utilisateur désactivé ; ses sessions ont été fermées."


class RegisterApi(APIView):
    OutputSerializer = UserOutputSerializer
    response_status = {"POST": 201}
    carries_secret = True  # its answer holds a token, key or secret: never cached
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer[Any]):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        first_name = serializers.CharField(min_length=2, max_length=100)
        last_name = serializers.CharField(min_length=2, max_length=100)

    def post(self, request: Request) -> Response:
        tenant = request_tenant(request)
        if tenant.setting("allow_self_signup") is not True:
            raise PermissionDenied("L'inscription libre n'est pas ouverte ici.", code="self_signup_disabled")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enforce(REGISTER_PER_IP, ip_scope(tenant_id=tenant.pk, ip=request_context().ip))
        # A taken address answers like a new one (accounts.registration): no account enumeration here.
        membership = self_register(tenant=tenant, **data.validated_data)
        out = UserOutputSerializer(membership.user, context={"membership": membership, "tenant": tenant})
        return Response(out.data, status=status.HTTP_201_CREATED)


class AuditEventListApi(APIView):
    """The tenant's audit log, newest first (holders of audit:read)."""

    response_envelope = "events"

    required_permission = PermissionCode.AUDIT_READ

    class FilterSerializer(OffsetInput):
        event_type = serializers.ChoiceField(choices=EventType.choices, required=False)
        user_id = serializers.UUIDField(required=False)
        date_from = serializers.DateTimeField(required=False)
        date_to = serializers.DateTimeField(required=False)

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        created_at = serializers.DateTimeField()
        event_type = serializers.CharField()
        user_id = serializers.UUIDField(allow_null=True)
        email = serializers.CharField()
        actor_id = serializers.UUIDField(allow_null=True)
        ip = serializers.CharField(allow_null=True)
        user_agent = serializers.CharField()
        request_id = serializers.CharField()
        success = serializers.BooleanField()
        factor = serializers.CharField()
        details = serializers.JSONField()

    def get(self, request: Request) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        params = dict(filters.validated_data)
        skip, limit = params.pop("skip"), params.pop("limit")
        events = audit_event_list(tenant=request_tenant(request), **params)
        page = self.OutputSerializer(offset_slice(events, skip=skip, limit=limit), many=True).data
        return Response({"events": page, "total": events.count()})
