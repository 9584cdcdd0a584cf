"""The `mfa` endpoints of the contract: one thin view per operation.

`allowed_during_mfa_setup` marks the views a restricted token (scope `mfa_setup`: the tenant requires MFA
and the member has none yet) may call; AccessTokenAuthentication refuses every other view with 403
`mfa_setup_required`.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.rbac.principal import current_principal
from shared_apps.tenants.current import request_tenant

from .selectors import mfa_status
from .services import (
    mfa_disable,
    mfa_enable,
    mfa_recovery_regenerate,
    mfa_recovery_verify,
    mfa_setup,
    mfa_verify,
)
from .stepup import require_recent_auth

CODE_MAX = 64  # a recovery code with separators is 27 characters; room for stray spaces


class MfaSetupApi(APIView):
    carries_secret = True  # its answer holds a token, key or secret: never cached
    allowed_during_mfa_setup = True

    class OutputSerializer(serializers.Serializer[Any]):
        success = serializers.BooleanField()
        message = serializers.CharField()
        secret = serializers.CharField(help_text="Base32 TOTP secret, for typing into an authenticator.")
        provisioning_uri = serializers.CharField(help_text="`otpauth://totp/…`")
        qr_code_svg = serializers.CharField(help_text="The provisioning URI as an SVG QR code.")

    def post(self, request: Request) -> Response:
        # Binding an authenticator decides who can sign in from now on: like the other sensitive actions,
        # it needs a recent login, so an old stolen access token cannot bind the thief's device.
        require_recent_auth(current_principal(), code=None)
        result = mfa_setup(user=current_principal().user, tenant=request_tenant(request))
        return Response(
            {
                "success": True,
                "message": "Scannez le QR code, puis confirmez avec un code sur /mfa/enable.",
                "secret": result.secret,
                "provisioning_uri": result.provisioning_uri,
                "qr_code_svg": result.qr_code_svg,
            }
        )


class MfaEnableApi(APIView):
    carries_secret = True  # its answer holds a token, key or secret: never cached
    allowed_during_mfa_setup = True

    class OutputSerializer(serializers.Serializer[Any]):
        enabled = serializers.BooleanField()
        recovery_codes = serializers.ListField(child=serializers.CharField(), help_text="Shown once.")

    class InputSerializer(serializers.Serializer[Any]):
        code = serializers.CharField(max_length=16)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = mfa_enable(
            user=current_principal().user,
            tenant=request_tenant(request),
            code=data.validated_data["code"],
        )
        return Response({"enabled": True, "recovery_codes": codes})


class MfaDisableApi(APIView):
    class OutputSerializer(serializers.Serializer[Any]):
        enabled = serializers.BooleanField()
        message = serializers.CharField()

    class InputSerializer(serializers.Serializer[Any]):
        code = serializers.CharField(max_length=CODE_MAX)
        password = serializers.CharField(max_length=128, trim_whitespace=False, required=False)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        mfa_disable(user=current_principal().user, tenant=request_tenant(request), **data.validated_data)
        return Response({"enabled": False, "message": "L'authentification à deux facteurs est désactivée."})


class MfaStatusApi(APIView):
    allowed_during_mfa_setup = True

    class OutputSerializer(serializers.Serializer[Any]):
        enabled = serializers.BooleanField()
        configured = serializers.BooleanField()
        recovery_codes_remaining = serializers.IntegerField()
        last_used_at = serializers.DateTimeField(allow_null=True)
        created_at = serializers.DateTimeField(allow_null=True)

    def get(self, request: Request) -> Response:
        return Response(self.OutputSerializer(mfa_status(user=current_principal().user)).data)


class _CodeInput(serializers.Serializer[Any]):
    code = serializers.CharField(max_length=CODE_MAX)


class MfaVerifyApi(APIView):
    InputSerializer = _CodeInput

    class OutputSerializer(serializers.Serializer[Any]):
        success = serializers.BooleanField()
        valid = serializers.BooleanField()

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        valid = mfa_verify(
            user=current_principal().user,
            tenant=request_tenant(request),
            code=data.validated_data["code"],
        )
        return Response({"success": True, "valid": valid})


class MfaRecoveryVerifyApi(APIView):
    InputSerializer = _CodeInput

    class OutputSerializer(serializers.Serializer[Any]):
        valid = serializers.BooleanField()
        recovery_codes_remaining = serializers.IntegerField()

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        valid, remaining = mfa_recovery_verify(
            user=current_principal().user,
            tenant=request_tenant(request),
            code=data.validated_data["code"],
        )
        return Response({"valid": valid, "recovery_codes_remaining": remaining})


class MfaRecoveryRegenerateApi(APIView):
    carries_secret = True  # its answer holds a token, key or secret: never cached
    InputSerializer = _CodeInput

    class OutputSerializer(serializers.Serializer[Any]):
        recovery_codes = serializers.ListField(child=serializers.CharField(), help_text="Shown once.")

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        codes = mfa_recovery_regenerate(
            user=current_principal().user,
            tenant=request_tenant(request),
            code=data.validated_data["code"],
        )
        return Response({"recovery_codes": codes})
