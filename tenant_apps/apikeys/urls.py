from django.urls import path

from . import apis

urlpatterns = [
    path("api-keys", apis.ApiKeyListApi.as_view(), name="api-keys"),
    path("api-keys/<uuid:key_id>", apis.ApiKeyDetailApi.as_view(), name="api-key-detail"),
]
