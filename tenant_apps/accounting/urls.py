"""/api/v1/comptabilite/… (included by config.urls_tenant under the `api` namespace)."""

from django.urls import path

from .apis import AccountListApi, CompanySettingsApi, FecExportApi, JournalTotalsApi

urlpatterns = [
    path("comptabilite/fec", FecExportApi.as_view(), name="accounting-fec"),
    path("comptabilite/journaux", JournalTotalsApi.as_view(), name="accounting-journals"),
    path("comptabilite/comptes", AccountListApi.as_view(), name="accounting-accounts"),
    path("comptabilite/parametres", CompanySettingsApi.as_view(), name="accounting-settings"),
]
