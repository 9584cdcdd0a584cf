"""The `auth` endpoints of the contract: one thin view per operation."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.accounts.registration import self_register
from shared_apps.accounts.serializers import UserOutputSerializer
from shared_apps.accounts.services import password_change
from shared_apps.core.exceptions import PermissionDenied
from shared_apps.core.net import client_ip
from shared_apps.mfa.stepup import require_recent_auth
from shared_apps.ratelimit.keys import ip_scope
from shared_apps.ratelimit.services import RateLimit, enforce

from .context import request_claims, request_tenant, request_user
from .mfa import mfa_required_for, user_has_mfa
from .services import TokenPair, auth_login, auth_logout, auth_refresh

REGISTER_PER_IP = RateLimit(name="register:ip", limit=10, window_seconds=3600)
# Guessing the current password with a stolen access token is brute force too.
CHANGE_PASSWORD_PER_USER = RateLimit(name="change-password:user", limit=5, window_seconds=900)


def _tokens(pair: TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "token_type": "bearer",
        "expires_in": pair.expires_in,
    }


class LoginApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        mfa_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
        captcha_token = serializers.CharField(max_length=2048, required=False, allow_blank=True)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = auth_login(
            tenant=request_tenant(request),
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            captcha_token=data.validated_data.get("captcha_token"),
            request=request,
        )
        body: dict[str, Any] = {"success": True, "mfa_required": False, "captcha_required": False}
        if result.tokens is None:
            body.update(
                mfa_required=True,
                mfa_session_token=result.mfa_session_token,
                expires_in=result.mfa_expires_in,
                message="A second factor is required.",
            )
        else:
            body.update(_tokens(result.tokens))
        return Response(body)


class RegisterApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        first_name = serializers.CharField(min_length=2, max_length=100)
        last_name = serializers.CharField(min_length=2, max_length=100)

    def post(self, request: Request) -> Response:
        tenant = request_tenant(request)
        if tenant.setting("allow_self_signup") is not True:
            raise PermissionDenied("Self-registration is not open here.", code="self_signup_disabled")
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enforce(REGISTER_PER_IP, ip_scope(tenant_id=tenant.pk, ip=client_ip(request._request)))
        # A taken address answers like a new one (accounts.registration): no account enumeration here.
        membership = self_register(tenant=tenant, request=request, **data.validated_data)
        out = UserOutputSerializer(membership.user, context={"membership": membership, "tenant": tenant})
        return Response(out.data, status=status.HTTP_201_CREATED)


class LogoutApi(APIView):
    allowed_during_mfa_setup = True  # M3: a restricted token (tenant requires MFA) may still log out

    class InputSerializer(serializers.Serializer):
        refresh_token = serializers.CharField(max_length=512, required=False, allow_blank=True)
        session_id = serializers.UUIDField(required=False, allow_null=True)
        all_sessions = serializers.BooleanField(default=False)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = auth_logout(
            tenant=request_tenant(request),
            user=request_user(request),
            claims=request_claims(request),
            refresh_token=data.validated_data.get("refresh_token") or None,
            session_id=data.validated_data.get("session_id"),
            all_sessions=data.validated_data["all_sessions"],
            request=request,
        )
        return Response({"success": True, "message": f"{count} session(s) ended."})


class RefreshApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        refresh_token = serializers.CharField(max_length=512)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pair = auth_refresh(
            tenant=request_tenant(request), refresh_token=data.validated_data["refresh_token"]
        )
        return Response(_tokens(pair))


class MeApi(APIView):
    allowed_during_mfa_setup = True

    def get(self, request: Request) -> Response:
        user = request_user(request)
        tenant = request_tenant(request)
        return Response(
            {
                "authenticated": True,
                "user_id": str(user.pk),
                "tenant_id": tenant.slug,
                "email": user.email,
                "mfa_required": mfa_required_for(tenant=tenant, user=user),
                "mfa_enabled": user_has_mfa(user),
            }
        )


class ChangePasswordApi(APIView):
    class InputSerializer(serializers.Serializer):
        current_password = serializers.CharField(max_length=128, trim_whitespace=False)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False)
        # M3 step-up: a current TOTP code, when the login is older than STEP_UP_MAX_AGE_SECONDS.
        code = serializers.CharField(max_length=16, required=False, allow_blank=True)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enforce(CHANGE_PASSWORD_PER_USER, str(request_user(request).pk))
        require_recent_auth(request, code=data.validated_data.get("code") or None)
        password_change(
            tenant=request_tenant(request),
            user=request_user(request),
            current_password=data.validated_data["current_password"],
            new_password=data.validated_data["new_password"],
            session_id=request_claims(request).session_id,
            request=request,
        )
        return Response({"success": True, "message": "Password changed; your other sessions were ended."})


class VerifyTokenApi(APIView):
    def post(self, request: Request) -> Response:
        return Response({"success": True, "data": {"user_id": str(request_user(request).pk), "valid": True}})
