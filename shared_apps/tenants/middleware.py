"""Routes every request to a tenant schema (or to the public site) before anything touches the database.

Rules: a tenant host selects its tenant; on a shared host the X-Tenant-ID header (a slug or the numeric
id) selects it; a header that disagrees with a tenant host is a 400, an unknown or inactive tenant a 404,
a tenant API call on a shared host without a tenant a 400. There is never a fallback to the public schema
for a tenant request.

A routing failure does not answer here: it points the request at a URLconf whose only view raises the
error, so that the rest of the middleware chain (request id, timing, security headers, logging) and the one
exception handler still apply to it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port

from shared_apps.core.exceptions import ApplicationError, NotFound, ValidationFailed

from .db import use_public_schema, use_tenant_schema
from .routing import tenant_for_host, tenant_for_slug

TENANTLESS_PATHS = frozenset({"/health", "/ready", "/health/deep", "/metrics"})
# The tenant API: on a shared host it needs X-Tenant-ID. Its description is the same for every tenant.
TENANT_API_PREFIX = "/api/v1/"
PUBLIC_API_PATHS = frozenset({"/api/v1/schema"})
ROUTING_ERROR_URLCONF = "shared_apps.tenants.urls_routing_error"
TENANT_HEADER = "HTTP_X_TENANT_ID"


def _is_tenant_api(path: str) -> bool:
    return path.startswith(TENANT_API_PREFIX) and path not in PUBLIC_API_PATHS


class TenantRoutingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.shared_hosts = frozenset(host.lower() for host in settings.SHARED_HOSTS)
        self.public_urlconf = settings.PUBLIC_SCHEMA_URLCONF
        self.tenant_urlconf = settings.ROOT_URLCONF

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.tenant = None  # type: ignore[attr-defined]
        try:
            self._route(request)
        except ApplicationError as error:
            use_public_schema()
            request.routing_error = error  # type: ignore[attr-defined]
            request.urlconf = ROUTING_ERROR_URLCONF  # type: ignore[attr-defined]
        return self.get_response(request)

    def _route(self, request: HttpRequest) -> None:
        if request.path_info in TENANTLESS_PATHS:
            self._public(request)
            return
        host, _port = split_domain_port(request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", ""))
        if not host:
            raise ValidationFailed("La requête n'a pas d'en-tête Host valide.", code="invalid_host")
        header = request.META.get(TENANT_HEADER, "").strip().lower()
        if host in self.shared_hosts:
            if header:
                tenant = tenant_for_slug(header)
            elif _is_tenant_api(request.path_info):
                raise ValidationFailed(
                    "Cette adresse sert plusieurs organisations : "
                    "désignez-en une dans l'en-tête X-Tenant-ID.",
                    code="tenant_required",
                )
            else:
                self._public(request)
                return
        else:
            tenant = tenant_for_host(host)
            if tenant is None:
                raise NotFound("Aucune organisation n'est servie à cette adresse.", code="tenant_not_found")
            if header and header not in (tenant.slug, str(tenant.pk)):
                raise ValidationFailed(
                    "L'en-tête X-Tenant-ID désigne une autre organisation que cette adresse.",
                    code="tenant_mismatch",
                )
        if tenant is None or not tenant.is_active:
            raise NotFound("Organisation introuvable.", code="tenant_not_found")
        use_tenant_schema(tenant)
        request.tenant = tenant  # type: ignore[attr-defined]
        request.urlconf = self.tenant_urlconf  # type: ignore[attr-defined]

    def _public(self, request: HttpRequest) -> None:
        use_public_schema()
        request.urlconf = self.public_urlconf  # type: ignore[attr-defined]
