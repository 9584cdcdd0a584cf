"""The seven `oauth` endpoints of the contract (at the tenant)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.context import request_context
from shared_apps.core.openapi import MessageOutput, TokenPairOutput
from shared_apps.ratelimit.keys import ip_scope
from shared_apps.ratelimit.services import RateLimit, enforce
from shared_apps.rbac.principal import current_principal
from shared_apps.tenants.current import request_tenant

from .models import FlowPurpose, OAuthIdentity, Provider
from .providers import DISPLAY, provider_config, provider_enabled
from .services import (
    CallbackResult,
    oauth_callback,
    oauth_complete_registration,
    oauth_flow_start,
    oauth_unlink,
)

FLOWS_PER_IP = RateLimit(name="oauth:ip", limit=30, window_seconds=600)


def _tokens(pair: Any) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "token_type": "bearer",
        "expires_in": pair.expires_in,
    }


def _limit(request: Request) -> None:
    enforce(FLOWS_PER_IP, ip_scope(tenant_id=request_tenant(request).pk, ip=request_context().ip))


class StartSerializer(serializers.Serializer[Any]):
    redirect_uri = serializers.URLField(max_length=1000)


class StartOutput(serializers.Serializer[Any]):
    auth_url = serializers.URLField(help_text="Send the browser there.")
    state = serializers.CharField()


class ProviderOutput(serializers.Serializer[Any]):
    provider = serializers.ChoiceField(choices=Provider.choices)
    name = serializers.CharField()
    icon = serializers.CharField()
    color = serializers.CharField()
    enabled = serializers.BooleanField()


class CallbackOutput(serializers.Serializer[Any]):
    """Signed in (`tokens`), a second factor to give (`mfa_session_token`), an account to create
    (`oauth_session_token`, then POST /oauth/complete-registration) or a provider linked."""

    success = serializers.BooleanField()
    provider = serializers.ChoiceField(choices=Provider.choices)
    email = serializers.CharField()
    name = serializers.CharField()
    avatar_url = serializers.CharField()
    requires_registration = serializers.BooleanField()
    mfa_required = serializers.BooleanField()
    tokens = TokenPairOutput(required=False)
    oauth_session_token = serializers.CharField(required=False)
    mfa_session_token = serializers.CharField(required=False)
    linked = serializers.BooleanField(required=False)


class IdentityOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    provider = serializers.ChoiceField(choices=Provider.choices)
    email = serializers.CharField()
    name = serializers.CharField()
    avatar_url = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProviderListApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class OutputSerializer(serializers.Serializer[Any]):
        providers = ProviderOutput(many=True)

    def get(self, request: Request) -> Response:
        providers = [
            {"provider": p.value, **DISPLAY[p], "enabled": provider_enabled(p.value)} for p in Provider
        ]
        return Response({"providers": providers})


class AuthorizeApi(APIView):
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]
    FilterSerializer = StartSerializer
    OutputSerializer = StartOutput

    def get(self, request: Request, provider: str) -> Response:
        provider_config(provider)  # the path first: an unknown or unconfigured provider is a 404
        data = self.FilterSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        _limit(request)
        url, state = oauth_flow_start(
            tenant=request_tenant(request),
            provider=provider,
            return_url=data.validated_data["redirect_uri"],
            purpose=FlowPurpose.LOGIN,
        )
        return Response({"auth_url": url, "state": state})


class CallbackApi(APIView):
    carries_secret = True  # its answer holds a token, key or secret: never cached
    OutputSerializer = CallbackOutput
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer[Any]):
        code = serializers.CharField(max_length=2048)
        state = serializers.CharField(max_length=2048)

    def get(self, request: Request, provider: str) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        _limit(request)
        result = oauth_callback(tenant=request_tenant(request), provider=provider, **data.validated_data)
        return Response(_callback_body(result))


def _callback_body(result: CallbackResult) -> dict[str, Any]:
    body: dict[str, Any] = {
        "success": True,
        "provider": result.provider,
        "email": result.profile.email,
        "name": result.profile.name,
        "avatar_url": result.profile.avatar_url,
        "requires_registration": result.requires_registration,
        "mfa_required": result.mfa_session_token is not None,
    }
    if result.tokens is not None:
        body["tokens"] = _tokens(result.tokens)
    if result.oauth_session_token:
        body["oauth_session_token"] = result.oauth_session_token
    if result.mfa_session_token:
        body["mfa_session_token"] = result.mfa_session_token
    if result.linked:
        body["linked"] = True
    return body


class CompleteRegistrationApi(APIView):
    response_status = {"POST": 201}
    OutputSerializer = TokenPairOutput
    carries_secret = True  # its answer holds a token, key or secret: never cached
    authentication_classes: list[type] = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer[Any]):
        oauth_session_token = serializers.CharField(max_length=4096)
        first_name = serializers.CharField(min_length=2, max_length=100)
        last_name = serializers.CharField(min_length=2, max_length=100)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _limit(request)
        pair = oauth_complete_registration(
            tenant=request_tenant(request),
            token=data.validated_data["oauth_session_token"],
            first_name=data.validated_data["first_name"],
            last_name=data.validated_data["last_name"],
        )
        return Response(_tokens(pair), status=201)


class AccountListApi(APIView):
    class OutputSerializer(serializers.Serializer[Any]):
        accounts = IdentityOutput(many=True)

    def get(self, request: Request) -> Response:
        identities = OAuthIdentity.objects.filter(user=current_principal().user).order_by("provider")
        accounts = [
            {
                "id": i.pk,
                "provider": i.provider,
                "email": i.email,
                "name": i.name,
                "avatar_url": i.avatar_url,
                "created_at": i.created_at,
            }
            for i in identities
        ]
        return Response({"accounts": accounts})


class UnlinkApi(APIView):
    OutputSerializer = MessageOutput

    class InputSerializer(serializers.Serializer[Any]):
        provider = serializers.ChoiceField(choices=Provider.choices)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        oauth_unlink(
            tenant=request_tenant(request),
            user=current_principal().user,
            provider=data.validated_data["provider"],
        )
        return Response({"success": True, "message": "Le fournisseur a été dissocié."})


class LinkApi(APIView):
    FilterSerializer = StartSerializer
    OutputSerializer = StartOutput

    def get(self, request: Request, provider: str) -> Response:
        provider_config(provider)  # the path first: an unknown or unconfigured provider is a 404
        data = self.FilterSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        url, state = oauth_flow_start(
            tenant=request_tenant(request),
            provider=provider,
            return_url=data.validated_data["redirect_uri"],
            purpose=FlowPurpose.LINK,
            link_user=current_principal().user,
        )
        return Response({"auth_url": url, "state": state})
