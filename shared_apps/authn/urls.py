from django.urls import path

from . import apis

urlpatterns = [
    path("auth/login", apis.LoginApi.as_view(), name="auth-login"),
    path("auth/register", apis.RegisterApi.as_view(), name="auth-register"),
    path("auth/logout", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/refresh", apis.RefreshApi.as_view(), name="auth-refresh"),
    path("auth/me", apis.MeApi.as_view(), name="auth-me"),
    path("auth/change-password", apis.ChangePasswordApi.as_view(), name="auth-change-password"),
    path("auth/verify-token", apis.VerifyTokenApi.as_view(), name="auth-verify-token"),
]
