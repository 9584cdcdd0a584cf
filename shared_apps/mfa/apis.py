"""The `mfa` endpoints of the contract and `POST /auth/login/mfa`: one thin view per operation.

`allowed_during_mfa_setup` marks the views a restricted token (scope `mfa_setup`: the tenant requires MFA
and the member has none yet) may call; AccessTokenAuthentication refuses every other view with 403
`mfa_setup_required`.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.authn.context import request_tenant, request_user
from shared_apps.authn.services import TokenPair

from .selectors import mfa_status
from .services import (
    auth_login_mfa,
    mfa_disable,
    mfa_enable,
    mfa_recovery_regenerate,
    mfa_recovery_verify,
    mfa_setup,
    mfa_verify,
)
from .stepup import require_recent_auth

CODE_MAX = 64  # a recovery code with separators is 27 characters; room for stray spaces


def _tokens(pair: TokenPair) -> dict[str, Any]:
    """The same shape as the token answer of /auth/login."""
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "token_type": "bearer",
        "expires_in": pair.expires_in,
    }


class MfaSetupApi(APIView):
    allowed_during_mfa_setup = True

    def post(self, request: Request) -> Response:
        # Binding an authenticator decides who can sign in from now on: like the other sensitive actions,
        # it needs a recent login, so an old stolen access token cannot bind the thief's device.
        require_recent_auth(request, code=None)
        result = mfa_setup(user=request_user(request), tenant=request_tenant(request))
        return Response(
            {
                "success": True,
                "message": "Scan the QR code, then confirm with a code at /mfa/enable.",
                "secret": result.secret,
                "provisioning_uri": result.provisioning_uri,
                "qr_code_svg": result.qr_code_svg,
            }
        )


class MfaEnableApi(APIView):
    allowed_during_mfa_setup = True

    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=16)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = mfa_enable(
            user=request_user(request),
            tenant=request_tenant(request),
            code=data.validated_data["code"],
            request=request,
        )
        return Response({"enabled": True, "recovery_codes": codes})


class MfaDisableApi(APIView):
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(max_length=CODE_MAX)
        password = serializers.CharField(max_length=128, trim_whitespace=False)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mfa_disable(
            user=request_user(request), tenant=request_tenant(request), request=request, **data.validated_data
        )
        return Response({"enabled": False, "message": "Two-factor authentication is off."})


class MfaStatusApi(APIView):
    allowed_during_mfa_setup = True

    class OutputSerializer(serializers.Serializer):
        enabled = serializers.BooleanField()
        configured = serializers.BooleanField()
        recovery_codes_remaining = serializers.IntegerField()
        last_used_at = serializers.DateTimeField(allow_null=True)
        created_at = serializers.DateTimeField(allow_null=True)

    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(mfa_status(user=request_user(request))).data)


class _CodeInput(serializers.Serializer):
    code = serializers.CharField(max_length=CODE_MAX)


class MfaVerifyApi(APIView):
    def post(self, request: Request) -> Response:
        data = _CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        valid = mfa_verify(
            user=request_user(request),
            tenant=request_tenant(request),
            code=data.validated_data["code"],
            request=request,
        )
        return Response({"success": True, "valid": valid})


class MfaRecoveryVerifyApi(APIView):
    def post(self, request: Request) -> Response:
        data = _CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        valid, remaining = mfa_recovery_verify(
            user=request_user(request),
            tenant=request_tenant(request),
            code=data.validated_data["code"],
            request=request,
        )
        return Response({"valid": valid, "recovery_codes_remaining": remaining})


class MfaRecoveryRegenerateApi(APIView):
    def post(self, request: Request) -> Response:
        data = _CodeInput(data=request.data)
        data.is_valid(raise_exception=True)
        codes = mfa_recovery_regenerate(
            user=request_user(request),
            tenant=request_tenant(request),
            code=data.validated_data["code"],
            request=request,
        )
        return Response({"recovery_codes": codes})


class LoginMfaApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        mfa_session_token = serializers.CharField(max_length=512)
        totp_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
        recovery_code = serializers.CharField(max_length=CODE_MAX, required=False, allow_blank=True)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if bool(attrs.get("totp_code")) == bool(attrs.get("recovery_code")):
                raise serializers.ValidationError("Send exactly one of totp_code and recovery_code.")
            return attrs

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        totp_code = data.validated_data.get("totp_code")
        pair = auth_login_mfa(
            tenant=request_tenant(request),
            mfa_session_token=data.validated_data["mfa_session_token"],
            code=totp_code or data.validated_data["recovery_code"],
            kind="totp" if totp_code else "recovery",
            request=request,
        )
        return Response(_tokens(pair))
