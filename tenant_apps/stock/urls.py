"""/api/v1/sites and /api/v1/stock/… (included by config.urls_tenant under the `api` namespace)."""

from django.urls import path

from .apis import CountApi, MovementApi, SiteDetailApi, SiteListApi

urlpatterns = [
    path("sites", SiteListApi.as_view(), name="sites"),
    path("sites/<int:site_id>", SiteDetailApi.as_view(), name="site"),
    path("stock/inventaires", CountApi.as_view(), name="stock-counts"),
    path("stock/mouvements", MovementApi.as_view(), name="stock-movements"),
]
