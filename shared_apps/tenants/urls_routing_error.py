"""The URLconf of a request that could not be routed: every path raises the routing error."""

from django.urls import re_path

from shared_apps.core.views import bad_request, not_found, permission_denied, server_error

from .apis import RoutingErrorApi

urlpatterns = [re_path(r"^.*$", RoutingErrorApi.as_view(), name="routing-error")]

handler400 = bad_request
handler403 = permission_denied
handler404 = not_found
handler500 = server_error
