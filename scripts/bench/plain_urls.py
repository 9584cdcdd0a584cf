"""The no-tenancy twin of config.urls_tenant for bench_routing.py: the same URL shape, the same kind of view.

Operator and docs routes come first in the real URLconf, so stand-ins come first here too: resolving
/api/v1/info walks as many patterns in both. The view is a DRF APIView like TenantInfoApi that answers the
same small dict, built from constants instead of from request.tenant.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class PlainInfoApi(APIView):
    authentication_classes: list[type] = []
    permission_classes: list[type] = []

    def get(self, request: Request) -> Response:
        return Response({"tenant": {"slug": "bench", "name": "Bench Bistro"}, "api_version": "v1"})


def _stand_in(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never requested
    return HttpResponse(status=204)


_ops = [path(route, _stand_in) for route in ("health", "ready", "health/deep", "metrics")]
_docs = [path(route, _stand_in) for route in ("api/v1/schema", "api/docs")]
_api_v1 = [path("info", PlainInfoApi.as_view(), name="info")]

urlpatterns = [
    path("", include(_ops)),
    path("", include(_docs)),
    path("api/v1/", include((_api_v1, "api"), namespace="api")),
]
