"""/api/v1/catalog/… (included by config.urls_tenant under the `api` namespace)."""

from django.urls import path

from .apis import CatalogDetailApi, CatalogListApi, FamilyListApi

urlpatterns = [
    path("catalog/products", CatalogListApi.as_view(), name="catalog-products"),
    path("catalog/products/<int:produit_sk>", CatalogDetailApi.as_view(), name="catalog-product"),
    path("catalog/families", FamilyListApi.as_view(), name="catalog-families"),
]
