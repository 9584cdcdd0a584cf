"""The `auth` endpoints of the contract (login, its second-factor step, refresh, logout, me, change-password,
verify-token) and `password-reset`: one thin view per operation.

`allowed_during_mfa_setup` marks the views a restricted token (scope `mfa_setup`: the tenant requires MFA
and the member has none yet) may call; AccessTokenAuthentication refuses every other view with 403
`mfa_setup_required`.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.context import request_context
from shared_apps.core.openapi import MessageOutput, TokenPairOutput
from shared_apps.mfa.selectors import member_must_use_mfa
from shared_apps.mfa.stepup import require_recent_auth
from shared_apps.ratelimit.keys import account_scope, ip_scope
from shared_apps.ratelimit.services import RateLimit, enforce
from shared_apps.rbac.principal import current_principal
from shared_apps.tenants.current import request_tenant

from .password_reset import password_reset_confirm, password_reset_request, password_reset_validate
from .passwords import password_change
from .services import TokenPair, auth_login, auth_login_mfa, auth_logout, auth_refresh

RESET_PER_IP = RateLimit(name="password-reset:ip", limit=10, window_seconds=3600)
RESET_PER_ACCOUNT = RateLimit(name="password-reset:account", limit=3, window_seconds=3600)
CODE_MAX = 64  # a recovery code with separators is 27 characters; room for stray spaces
# Guessing the current password with a stolen access token is brute force too.
CHANGE_PASSWORD_PER_USER = RateLimit(name="change-password:user", limit=5, window_seconds=900)


LOGIN_EXAMPLES = [
    OpenApiExample(
        "Signed in",
        response_only=True,
        value={
            "success": True,
            "mfa_required": False,
            "captcha_required": False,
            "access_token": "eyJhbGciOiJFUzI1NiIs…",
            "refresh_token": "rt_2bX…",
            "token_type": "bearer",
            "expires_in": 900,
        },
    ),
    OpenApiExample(
        "Second factor required",
        response_only=True,
        value={
            "success": True,
            "mfa_required": True,
            "captcha_required": False,
            "mfa_session_token": "eyJhbGciOiJFUzI1NiIs…",
            "expires_in": 300,
            "message": "Un second facteur est requis.",
        },
    ),
]


def _tokens(pair: TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "token_type": "bearer",
        "expires_in": pair.expires_in,
    }


class LoginApi(APIView):
    carries_secret = True  # its answer holds a token, key or secret: never cached
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer[Any]):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=128, trim_whitespace=False)
        mfa_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
        captcha_token = serializers.CharField(max_length=2048, required=False, allow_blank=True)

    class OutputSerializer(serializers.Serializer[Any]):
        """Either the token pair, or (`mfa_required`) the token of the second-factor step."""

        success = serializers.BooleanField()
        mfa_required = serializers.BooleanField()
        captcha_required = serializers.BooleanField()
        access_token = serializers.CharField(required=False)
        refresh_token = serializers.CharField(required=False)
        token_type = serializers.ChoiceField(choices=["bearer"], required=False)
        expires_in = serializers.IntegerField(required=False, help_text="Seconds the token lives.")
        mfa_session_token = serializers.CharField(required=False, help_text="For POST /auth/login/mfa.")
        message = serializers.CharField(required=False)

    @extend_schema(examples=LOGIN_EXAMPLES)
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = auth_login(
            tenant=request_tenant(request),
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            captcha_token=data.validated_data.get("captcha_token"),
        )
        body: dict[str, Any] = {"success": True, "mfa_required": False, "captcha_required": False}
        if result.tokens is None:
            body.update(
                mfa_required=True,
                mfa_session_token=result.mfa_session_token,
                expires_in=result.mfa_expires_in,
                message="Un second facteur est requis.",
            )
        else:
            body.update(_tokens(result.tokens))
        return Response(body)


class LogoutApi(APIView):
    allowed_during_mfa_setup = True  # a restricted token (the tenant requires MFA) may still log out

    class InputSerializer(serializers.Serializer[Any]):
        refresh_token = serializers.CharField(max_length=512, required=False, allow_blank=True)
        session_id = serializers.UUIDField(required=False, allow_null=True)
        all_sessions = serializers.BooleanField(default=False)

    OutputSerializer = MessageOutput

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        count = auth_logout(
            principal=current_principal(),
            refresh_token=data.validated_data.get("refresh_token") or None,
            session_id=data.validated_data.get("session_id"),
            all_sessions=data.validated_data["all_sessions"],
        )
        return Response({"success": True, "message": f"{count} session(s) fermée(s)."})


class RefreshApi(APIView):
    carries_secret = True  # its answer holds a token, key or secret: never cached
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    OutputSerializer = TokenPairOutput

    class InputSerializer(serializers.Serializer[Any]):
        refresh_token = serializers.CharField(max_length=512)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pair = auth_refresh(
            tenant=request_tenant(request), refresh_token=data.validated_data["refresh_token"]
        )
        return Response(_tokens(pair))


class AuthMeOutput(serializers.Serializer[Any]):
    """Who the credentials are (named apart from /users/me's profile)."""

    authenticated = serializers.BooleanField()
    user_id = serializers.UUIDField()
    tenant_id = serializers.CharField(help_text="The tenant's slug.")
    email = serializers.EmailField()
    mfa_required = serializers.BooleanField(help_text="The tenant requires MFA of this member.")
    mfa_enabled = serializers.BooleanField()


class MeApi(APIView):
    allowed_during_mfa_setup = True
    OutputSerializer = AuthMeOutput

    def get(self, request: Request) -> Response:
        principal = current_principal()
        return Response(
            {
                "authenticated": True,
                "user_id": str(principal.user_id),
                "tenant_id": principal.tenant.slug,
                "email": principal.user.email,
                "mfa_required": member_must_use_mfa(tenant=principal.tenant, user=principal.user),
                "mfa_enabled": principal.mfa.enabled,
            }
        )


class ChangePasswordApi(APIView):
    OutputSerializer = MessageOutput

    class InputSerializer(serializers.Serializer[Any]):
        current_password = serializers.CharField(max_length=128, trim_whitespace=False)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False)
        # Step-up: a current TOTP code, when the login is older than STEP_UP_MAX_AGE_SECONDS.
        code = serializers.CharField(max_length=16, required=False, allow_blank=True)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        principal = current_principal()
        enforce(CHANGE_PASSWORD_PER_USER, str(principal.user_id))
        require_recent_auth(principal, code=data.validated_data.get("code") or None)
        password_change(
            tenant=principal.tenant,
            user=principal.user,
            current_password=data.validated_data["current_password"],
            new_password=data.validated_data["new_password"],
            session_id=principal.session_id,
        )
        return Response(
            {"success": True, "message": "Mot de passe modifié ; vos autres sessions ont été fermées."}
        )


# Built inline: a serializer field named `data` would shadow Serializer.data.
VERIFY_TOKEN_OUTPUT = inline_serializer(
    name="VerifyTokenOutput",
    fields={
        "success": serializers.BooleanField(),
        "data": inline_serializer(
            name="VerifiedToken",
            fields={"user_id": serializers.UUIDField(), "valid": serializers.BooleanField()},
        ),
    },
)


class VerifyTokenApi(APIView):
    @extend_schema(responses={200: VERIFY_TOKEN_OUTPUT})
    def post(self, request: Request) -> Response:
        return Response(
            {"success": True, "data": {"user_id": str(current_principal().user_id), "valid": True}}
        )


class LoginMfaApi(APIView):
    carries_secret = True  # its answer holds a token, key or secret: never cached
    OutputSerializer = TokenPairOutput
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer[Any]):
        mfa_session_token = serializers.CharField(max_length=512)
        totp_code = serializers.CharField(max_length=16, required=False, allow_blank=True)
        recovery_code = serializers.CharField(max_length=CODE_MAX, required=False, allow_blank=True)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if bool(attrs.get("totp_code")) == bool(attrs.get("recovery_code")):
                raise serializers.ValidationError("Envoyez soit totp_code, soit recovery_code, pas les deux.")
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
        )
        return Response(_tokens(pair))


class PasswordResetRequestApi(APIView):
    OutputSerializer = MessageOutput
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer[Any]):
        email = serializers.EmailField(max_length=254)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tenant, email = request_tenant(request), data.validated_data["email"]
        enforce(RESET_PER_IP, ip_scope(tenant_id=tenant.pk, ip=request_context().ip))
        enforce(RESET_PER_ACCOUNT, account_scope(tenant_id=tenant.pk, account=email))
        password_reset_request(tenant=tenant, email=email)
        return Response(
            {
                "success": True,
                "message": "Si un compte existe pour cette adresse, un lien "
                "de réinitialisation est en route.",
            }
        )


class PasswordResetConfirmApi(APIView):
    OutputSerializer = MessageOutput
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer[Any]):
        token = serializers.CharField(max_length=256)
        new_password = serializers.CharField(max_length=128, trim_whitespace=False)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_confirm(tenant=request_tenant(request), **data.validated_data)
        return Response(
            {"success": True, "message": "Mot de passe modifié ; toutes les sessions ont été fermées."}
        )


class PasswordResetValidateApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer[Any]):
        success = serializers.BooleanField()
        valid = serializers.BooleanField()
        reason = serializers.CharField(required=False, help_text="Why the token is not valid.")

    def get(self, request: Request, token: str) -> Response:
        check = password_reset_validate(tenant=request_tenant(request), token=token)
        body: dict[str, Any] = {"success": True, "valid": check.valid}
        if check.reason:
            body["reason"] = check.reason
        return Response(body)
