"""A tenant URLconf for the error-handling tests: views that fail in each way the handler must map."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.exceptions import (
    Conflict,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    RateLimited,
    ValidationFailed,
)

RAISES = {
    "validation": ValidationFailed("bad field", code="bad_field", details={"field": "x"}),
    "unauthenticated": NotAuthenticated("who are you"),
    "forbidden": PermissionDenied("not yours"),
    "missing": NotFound("gone"),
    "conflict": Conflict("twice"),
    "limited": RateLimited("slow down", retry_after=42),
}


class EchoApi(APIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=10)

    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(data.validated_data)


class RaiseApi(APIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    def get(self, request: Request, kind: str) -> Response:
        if kind == "crash":
            raise RuntimeError("secret internals: password=hunter2")
        raise RAISES[kind]


class BigListApi(APIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    def get(self, request: Request) -> Response:
        return Response({"items": [{"id": i, "name": f"product {i}"} for i in range(2000)]})


def plain_crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals in a plain view")


urlpatterns = [
    path("", include("config.urls_ops")),
    path("api/v1/echo", EchoApi.as_view(), name="echo"),
    path("api/v1/raise/<str:kind>", RaiseApi.as_view(), name="raise"),
    path("api/v1/big", BigListApi.as_view(), name="big"),
    path("plain-crash", plain_crash, name="plain-crash"),
]

handler404 = "shared_apps.core.views.not_found"
handler500 = "shared_apps.core.views.server_error"
