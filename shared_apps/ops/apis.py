"""Health, readiness and metrics: answered on any host, without a tenant."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django_prometheus.exports import ExportToDjangoView

from shared_apps.core.errors import error_response
from shared_apps.core.net import address_in_networks, client_ip

from . import checks


def _is_internal(request: HttpRequest) -> bool:
    """An operator's request: a bearer METRICS_TOKEN, or a client on an allowed network (INTERNAL_NETWORKS,
    empty in production unless set). The client is the first hop that no TRUSTED_PROXIES vouches for, so a
    reverse proxy on this host does not make every client it forwards look local."""
    token = settings.METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    return address_in_networks(client_ip(request), settings.INTERNAL_NETWORKS)


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def ready(request: HttpRequest) -> JsonResponse:
    results = checks.run_probes(checks.readiness_probes())
    ok = all(result["ok"] for result in results.values())
    body = {"status": "ready" if ok else "not_ready", "checks": {k: v["ok"] for k, v in results.items()}}
    return JsonResponse(body, status=200 if ok else 503)


def health_deep(request: HttpRequest) -> JsonResponse:
    if not _is_internal(request):
        return error_response(403, "permission_denied", "Ce point d'accès est réservé aux opérateurs.")
    results = checks.run_probes(checks.readiness_probes())
    ok = all(result["ok"] for result in results.values())
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "components": results}, status=200 if ok else 503
    )


def metrics(request: HttpRequest) -> HttpResponse:
    if not _is_internal(request):
        return error_response(403, "permission_denied", "Ce point d'accès est réservé aux opérateurs.")
    response: HttpResponse = ExportToDjangoView(request)
    return response
