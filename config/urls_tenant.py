"""A tenant's host: its API under /api/v1/ (a trailing slash is dropped before routing), operator routes,
docs, and the French site at the root."""

from django.urls import URLPattern, URLResolver, include, path, re_path

from shared_apps.core.views import not_found
from shared_apps.tenants.apis import TenantInfoApi

api_v1: list[URLPattern | URLResolver] = [
    path("info", TenantInfoApi.as_view(), name="info"),
    path("", include("shared_apps.authn.urls")),
    path("", include("shared_apps.mfa.urls")),
    path("", include("shared_apps.members.urls")),
    path("", include("tenant_apps.sessions.urls")),
    path("", include("shared_apps.rbac.urls")),
    path("", include("tenant_apps.apikeys.urls")),
    path("", include("shared_apps.gdpr.urls")),
    path("", include("shared_apps.oauth.urls")),
    path("", include("tenant_apps.metro.urls")),
    path("", include("tenant_apps.stock.urls")),
    path("", include("tenant_apps.analytics.urls")),
    path("", include("tenant_apps.sales.urls")),
    path("", include("tenant_apps.expenses.urls")),
]

urlpatterns = [
    path("", include("config.urls_ops")),
    path("", include("config.urls_docs")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    # Any other path under /api/ is the JSON 404, also under DEBUG (whose technical 404 page is HTML).
    re_path(r"^api/", not_found),
    path("", include("tenant_apps.web.urls")),
]

# Pages of the site get French HTML pages; the API keeps the JSON error body.
handler400 = "tenant_apps.web.errors.bad_request"
handler403 = "tenant_apps.web.errors.permission_denied"
handler404 = "tenant_apps.web.errors.not_found"
handler500 = "tenant_apps.web.errors.server_error"
