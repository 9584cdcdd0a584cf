from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .current import request_tenant


@extend_schema(exclude=True)
class RoutingErrorApi(APIView):
    """Raises the error the routing middleware found, through the one exception handler."""

    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        raise request._request.routing_error  # type: ignore[attr-defined]

    def get(self, request: Request) -> Response:  # pragma: no cover - initial() always raises
        raise AssertionError


class TenantInfoApi(APIView):
    """The tenant this request is routed to (the cheapest tenant-scoped view)."""

    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    class OutputSerializer(serializers.Serializer[Any]):
        class TenantSerializer(serializers.Serializer[Any]):
            slug = serializers.SlugField()
            name = serializers.CharField()

        tenant = TenantSerializer()
        api_version = serializers.CharField()

    def get(self, request: Request) -> Response:
        tenant = request_tenant(request)
        return Response({"tenant": {"slug": tenant.slug, "name": tenant.name}, "api_version": "v1"})
