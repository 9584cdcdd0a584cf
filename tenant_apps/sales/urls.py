"""/api/v1/ventes/… (included by config.urls_tenant under the `api` namespace)."""

from django.urls import path

from .apis import SalesImportApi, SalesImportJobApi

urlpatterns = [
    path("ventes/import", SalesImportApi.as_view(), name="sales-import"),
    path("ventes/import/jobs/<uuid:job_id>", SalesImportJobApi.as_view(), name="sales-import-job"),
]
