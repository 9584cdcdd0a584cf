"""/api/v1/catalog/price-alerts (included by config.urls_tenant under the `api` namespace)."""

from django.urls import path

from .apis import PriceAlertDetailApi, PriceAlertListApi

urlpatterns = [
    path("catalog/price-alerts", PriceAlertListApi.as_view(), name="catalog-price-alerts"),
    path("catalog/price-alerts/<int:alert_id>", PriceAlertDetailApi.as_view(), name="catalog-price-alert"),
]
