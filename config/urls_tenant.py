"""A tenant's site: its API under /api/v1/ (a trailing slash is "
"dropped before routing), operator routes and docs."""

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
]

urlpatterns = [
    path("", include("config.urls_ops")),
    path("", include("config.urls_docs")),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    # Any other path under /api/ is the JSON 404, also under DEBUG (whose technical 404 page is HTML).
    re_path(r"^api/", not_found),
]

handler400 = "shared_apps.core.views.bad_request"
handler403 = "shared_apps.core.views.permission_denied"
handler404 = "shared_apps.core.views.not_found"
handler500 = "shared_apps.core.views.server_error"
