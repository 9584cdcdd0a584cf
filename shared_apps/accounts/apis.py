"""The `users` endpoints (the caller's profile, and a tenant administrator's view of the members) and the
`password-reset` endpoints. Input serializers list the fields each operation accepts; anything else a
client sends is dropped before a service sees it."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.audit.models import EventType
from shared_apps.audit.selectors import audit_event_list
from shared_apps.authn.context import request_tenant, request_user
from shared_apps.core.net import client_ip
from shared_apps.mfa.stepup import require_recent_auth
from shared_apps.ratelimit.keys import account_scope, ip_scope
from shared_apps.ratelimit.services import RateLimit, enforce
from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.permissions import require_permission

from .models import Membership
from .password_reset import password_reset_confirm, password_reset_request, password_reset_validate
from .selectors import member_get, member_list
from .serializers import MeOutputSerializer, UserDetailOutputSerializer, UserOutputSerializer
from .services import member_create, member_remove, member_set_active, member_update, user_profile_update
from .validators import validate_e164

RESET_PER_IP = RateLimit(name="password-reset:ip", limit=10, window_seconds=3600)
RESET_PER_ACCOUNT = RateLimit(name="password-reset:account", limit=3, window_seconds=3600)
MAX_PAGE = 100


def _detail(membership: Membership, request: Request) -> dict[str, Any]:
    context = {"membership": membership, "tenant": request_tenant(request)}
    return UserDetailOutputSerializer(membership.user, context=context).data


class MeApi(APIView):
    class InputSerializer(serializers.Serializer):
        first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        phone = serializers.CharField(
            max_length=16, required=False, allow_blank=True, validators=[validate_e164]
        )

    def get(self, request: Request) -> Response:
        return Response(
            MeOutputSerializer(request_user(request), context={"tenant": request_tenant(request)}).data
        )

    def put(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_profile_update(user=request_user(request), data=data.validated_data, request=request)
        return Response(MeOutputSerializer(user, context={"tenant": request_tenant(request)}).data)


class UserListApi(APIView):
    required_permission = {"GET": PermissionCode.USERS_READ, "POST": PermissionCode.USERS_WRITE}

    class FilterSerializer(serializers.Serializer):
        skip = serializers.IntegerField(min_value=0, default=0)
        limit = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=50)

    class InputSerializer(serializers.Serializer):
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
            require_permission(request, PermissionCode.USERS_ADMIN)
        membership = member_create(
            tenant=request_tenant(request), actor=request_user(request), request=request, **fields
        )
        return Response(_detail(membership, request), status=status.HTTP_201_CREATED)


class UserDetailApi(APIView):
    required_permission = {
        "GET": PermissionCode.USERS_READ,
        "PUT": PermissionCode.USERS_WRITE,
        "DELETE": PermissionCode.USERS_ADMIN,
    }

    class InputSerializer(serializers.Serializer):
        first_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        last_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
        phone = serializers.CharField(max_length=16, required=False, allow_blank=True)
        email = serializers.EmailField(max_length=254, required=False)
        is_active = serializers.BooleanField(required=False)
        is_verified = serializers.BooleanField(required=False)
        is_superuser = serializers.BooleanField(required=False)
        # M3 step-up for an e-mail change: a current TOTP code when the login is older than the window.
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
            require_recent_auth(request, code=code)
        if "is_admin" in fields or "is_active" in fields:  # promotion and deactivation are users:admin
            require_permission(request, PermissionCode.USERS_ADMIN)
        membership = member_update(
            tenant=tenant,
            membership=membership,
            actor=request_user(request),
            data=fields,
            request=request,
        )
        return Response(_detail(membership, request))

    def delete(self, request: Request, user_id: Any) -> Response:
        tenant = request_tenant(request)
        membership = member_get(tenant=tenant, user_id=user_id)
        member_remove(tenant=tenant, membership=membership, actor=request_user(request), request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class _UserActionApi(APIView):
    required_permission: str = PermissionCode.USERS_WRITE
    message = ""

    def act(self, request: Request, membership: Membership) -> None:
        raise NotImplementedError

    def post(self, request: Request, user_id: Any) -> Response:
        membership = member_get(tenant=request_tenant(request), user_id=user_id)
        self.act(request, membership)
        return Response({"success": True, "message": self.message})


class UserVerifyApi(_UserActionApi):
    message = "User verified."

    def act(self, request: Request, membership: Membership) -> None:
        member_update(
            tenant=request_tenant(request),
            membership=membership,
            actor=request_user(request),
            data={"is_verified": True},
            request=request,
        )


class _UserSetActiveApi(_UserActionApi):
    is_active: bool

    def act(self, request: Request, membership: Membership) -> None:
        member_set_active(
            tenant=request_tenant(request),
            membership=membership,
            actor=request_user(request),
            is_active=self.is_active,
            request=request,
        )


class UserActivateApi(_UserSetActiveApi):
    is_active = True
    message = "User activated."


class UserDeactivateApi(_UserSetActiveApi):
    required_permission = PermissionCode.USERS_ADMIN
    is_active = False
    message = "User deactivated; their sessions were ended."


class PasswordResetRequestApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        email = serializers.CharField(max_length=254)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant, email = request_tenant(request), data.validated_data["email"]
        enforce(RESET_PER_IP, ip_scope(tenant_id=tenant.pk, ip=client_ip(request._request)))
        enforce(RESET_PER_ACCOUNT, account_scope(tenant_id=tenant.pk, account=email))
        password_reset_request(tenant=tenant, email=email, request=request)
        return Response(
            {"success": True, "message": "If an account exists for this address, a reset link is on its way."}
        )


class PasswordResetConfirmApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        token = serializers.CharField(max_length=256)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_confirm(tenant=request_tenant(request), request=request, **data.validated_data)
        return Response({"success": True, "message": "Password changed; every session was ended."})


class PasswordResetValidateApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    def get(self, request: Request, token: str) -> Response:
        check = password_reset_validate(tenant=request_tenant(request), token=token)
        body: dict[str, Any] = {"success": True, "valid": check.valid}
        if check.reason:
            body["reason"] = check.reason
        return Response(body)


class AuditEventListApi(APIView):
    """The tenant's audit log, newest first (holders of audit:read)."""

    required_permission = PermissionCode.AUDIT_READ

    class FilterSerializer(serializers.Serializer):
        event_type = serializers.ChoiceField(choices=EventType.choices, required=False)
        user_id = serializers.UUIDField(required=False)
        date_from = serializers.DateTimeField(required=False)
        date_to = serializers.DateTimeField(required=False)
        skip = serializers.IntegerField(min_value=0, default=0)
        limit = serializers.IntegerField(min_value=1, max_value=MAX_PAGE, default=50)

    class OutputSerializer(serializers.Serializer):
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
        page = self.OutputSerializer(events[skip : skip + limit], many=True).data
        return Response({"events": page, "total": events.count()})
