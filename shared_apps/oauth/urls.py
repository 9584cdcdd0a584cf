from django.urls import path

from . import apis

urlpatterns = [
    path("oauth/providers", apis.ProviderListApi.as_view(), name="oauth-providers"),
    path(
        "oauth/complete-registration",
        apis.CompleteRegistrationApi.as_view(),
        name="oauth-complete-registration",
    ),
    path("oauth/accounts", apis.AccountListApi.as_view(), name="oauth-accounts"),
    path("oauth/unlink", apis.UnlinkApi.as_view(), name="oauth-unlink"),
    path("oauth/<str:provider>/authorize", apis.AuthorizeApi.as_view(), name="oauth-authorize"),
    path("oauth/<str:provider>/callback", apis.CallbackApi.as_view(), name="oauth-callback"),
    path("oauth/<str:provider>/link", apis.LinkApi.as_view(), name="oauth-link"),
]
