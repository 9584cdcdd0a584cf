"""/api/v1/metro/… (included by config.urls_tenant under the `api` namespace)."""

from django.urls import path

from .apis.imports import ImportJobApi, InvoiceImportApi, RecalculateApi
from .apis.invoices import InvoiceDetailApi, InvoiceListApi
from .apis.products import (
    PriceHistoryApi,
    PriceHistoryByEanApi,
    ProductByEanApi,
    ProductDetailApi,
    ProductListApi,
)
from .apis.stats import (
    CategoryListApi,
    CategoryStatsApi,
    CustomerListApi,
    DashboardApi,
    SummaryApi,
    VatStatsApi,
)

urlpatterns = [
    path("metro/products", ProductListApi.as_view(), name="metro-products"),
    path("metro/products/ean/<str:ean>", ProductByEanApi.as_view(), name="metro-product-by-ean"),
    path("metro/products/<int:produit_id>", ProductDetailApi.as_view(), name="metro-product"),
    path(
        "metro/products/<int:produit_id>/price-history", PriceHistoryApi.as_view(), name="metro-price-history"
    ),
    path(
        "metro/products/ean/<str:ean>/price-history",
        PriceHistoryByEanApi.as_view(),
        name="metro-price-history-by-ean",
    ),
    path("metro/factures", InvoiceListApi.as_view(), name="metro-invoices"),
    path("metro/factures/<int:facture_id>", InvoiceDetailApi.as_view(), name="metro-invoice"),
    path("metro/summary", SummaryApi.as_view(), name="metro-summary"),
    path("metro/clients", CustomerListApi.as_view(), name="metro-clients"),
    path("metro/dashboard", DashboardApi.as_view(), name="metro-dashboard"),
    path("metro/stats/categories", CategoryStatsApi.as_view(), name="metro-stats-categories"),
    path("metro/stats/tva", VatStatsApi.as_view(), name="metro-stats-tva"),
    path("metro/categories", CategoryListApi.as_view(), name="metro-categories"),
    path("metro/import", InvoiceImportApi.as_view(), name="metro-import"),
    path("metro/import/jobs/<uuid:job_id>", ImportJobApi.as_view(), name="metro-import-job"),
    path("metro/recalculate", RecalculateApi.as_view(), name="metro-recalculate"),
]
