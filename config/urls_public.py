"""The public site: platform admin, operator routes and API docs (no tenant)."""

from django.contrib import admin
from django.urls import include, path, re_path

from shared_apps.core.views import not_found
from shared_apps.oauth.views import OAuthBounceView

urlpatterns = [
    path("", include("config.urls_ops")),
    path("", include("config.urls_docs")),
    path("admin/", admin.site.urls),
    # OAuth: the single callback host of every tenant's sign-in (OAUTH_CALLBACK_BASE_URL).
    path("oauth/callback/<str:provider>", OAuthBounceView.as_view(), name="oauth-bounce"),
    # Any other path under /api/ is the JSON 404, also under DEBUG (whose technical 404 page is HTML).
    re_path(r"^api/", not_found),
]

handler400 = "shared_apps.core.views.bad_request"
handler403 = "shared_apps.core.views.permission_denied"
handler404 = "shared_apps.core.views.not_found"
handler500 = "shared_apps.core.views.server_error"
