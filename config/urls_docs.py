"""The OpenAPI description of the tenant API and its self-hosted docs page (sidecar assets, no CDN)."""

from django.urls import path
from drf_spectacular.renderers import OpenApiJsonRenderer2
from drf_spectacular.views import SpectacularAPIView, SpectacularJSONAPIView, SpectacularSwaggerView

urlpatterns = [
    path("api/v1/schema", SpectacularAPIView.as_view(urlconf="config.urls_tenant"), name="schema"),
    # Where the predecessor's clients and generators look for it.
    path(
        "openapi.json",
        SpectacularJSONAPIView.as_view(urlconf="config.urls_tenant", renderer_classes=[OpenApiJsonRenderer2]),
        name="schema-json",
    ),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
]
