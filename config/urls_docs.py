"""The OpenAPI description of the tenant API and its self-hosted docs page (sidecar assets, no CDN)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("api/v1/schema", SpectacularAPIView.as_view(urlconf="config.urls_tenant"), name="schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]
