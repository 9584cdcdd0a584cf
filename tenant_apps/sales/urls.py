"""/api/v1/ventes/…, /api/v1/plats and /api/v1/catalog/price-alerts (included by config.urls_tenant under
the `api` namespace)."""

from django.urls import path

from .alert_apis import PriceAlertDetailApi, PriceAlertListApi
from .apis import SalesCoverageApi, SalesImportApi, SalesImportJobApi
from .dish_apis import DishDetailApi, DishListApi, RecipeApi

urlpatterns = [
    path("ventes/import", SalesImportApi.as_view(), name="sales-import"),
    path("ventes/import/jobs/<uuid:job_id>", SalesImportJobApi.as_view(), name="sales-import-job"),
    path("ventes/couverture", SalesCoverageApi.as_view(), name="sales-coverage"),
    path("plats", DishListApi.as_view(), name="dishes"),
    path("plats/<int:dish_id>", DishDetailApi.as_view(), name="dish"),
    path("plats/<int:dish_id>/ingredients", RecipeApi.as_view(), name="dish-recipe"),
    path("catalog/price-alerts", PriceAlertListApi.as_view(), name="catalog-price-alerts"),
    path("catalog/price-alerts/<int:alert_id>", PriceAlertDetailApi.as_view(), name="catalog-price-alert"),
]
