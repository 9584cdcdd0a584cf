"""/api/v1/catalog/… and /api/v1/analytics/… (included by config.urls_tenant under the `api` namespace)."""

from django.urls import path

from .apis import CatalogDetailApi, CatalogListApi, FamilyListApi
from .expense_apis import ExpenseSynthesisApi
from .report_apis import (
    CategoryTaxonomyApi,
    ClassifyApi,
    ClassifyPreviewApi,
    ProductTopApi,
    StockMovementListApi,
    StockValuationApi,
)
from .sales_apis import DashboardApi, SalesRestaurantApi, StockVarianceApi, TopDishesApi

urlpatterns = [
    path("catalog/products", CatalogListApi.as_view(), name="catalog-products"),
    path("catalog/products/<int:produit_sk>", CatalogDetailApi.as_view(), name="catalog-product"),
    path("catalog/families", FamilyListApi.as_view(), name="catalog-families"),
    path("analytics/categories", CategoryTaxonomyApi.as_view(), name="analytics-categories"),
    path("analytics/stock/valorisation", StockValuationApi.as_view(), name="analytics-stock-valuation"),
    path("analytics/stock/mouvements", StockMovementListApi.as_view(), name="analytics-stock-movements"),
    path("analytics/produits/top", ProductTopApi.as_view(), name="analytics-products-top"),
    path("analytics/classify-products", ClassifyApi.as_view(), name="analytics-classify"),
    path(
        "analytics/classify-products/preview", ClassifyPreviewApi.as_view(), name="analytics-classify-preview"
    ),
    path("analytics/ventes/restaurant", SalesRestaurantApi.as_view(), name="analytics-sales-restaurant"),
    path("analytics/dashboard", DashboardApi.as_view(), name="analytics-dashboard"),
    path("stock/ecarts", StockVarianceApi.as_view(), name="stock-variance"),
    path("analytics/ventes/top-plats", TopDishesApi.as_view(), name="analytics-top-dishes"),
    path("analytics/depenses/synthese", ExpenseSynthesisApi.as_view(), name="analytics-expense-synthesis"),
]
