from django.urls import path

from . import apis

urlpatterns = [
    path("gdpr/export", apis.GdprExportApi.as_view(), name="gdpr-export"),
    path("gdpr/export/<uuid:user_id>", apis.GdprMemberExportApi.as_view(), name="gdpr-export-member"),
    path("gdpr/delete", apis.GdprDeleteApi.as_view(), name="gdpr-delete"),
    path("gdpr/anonymize", apis.GdprAnonymizeApi.as_view(), name="gdpr-anonymize"),
    path("gdpr/inventory", apis.GdprInventoryApi.as_view(), name="gdpr-inventory"),
]
