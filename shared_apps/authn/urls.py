from django.urls import path

from . import apis

urlpatterns = [
    path("auth/login", apis.LoginApi.as_view(), name="auth-login"),
    path("auth/login/mfa", apis.LoginMfaApi.as_view(), name="auth-login-mfa"),
    path("auth/logout", apis.LogoutApi.as_view(), name="auth-logout"),
    path("auth/refresh", apis.RefreshApi.as_view(), name="auth-refresh"),
    path("auth/me", apis.MeApi.as_view(), name="auth-me"),
    path("auth/change-password", apis.ChangePasswordApi.as_view(), name="auth-change-password"),
    path("auth/verify-token", apis.VerifyTokenApi.as_view(), name="auth-verify-token"),
    path("password-reset/request", apis.PasswordResetRequestApi.as_view(), name="password-reset-request"),
    path("password-reset/confirm", apis.PasswordResetConfirmApi.as_view(), name="password-reset-confirm"),
    path(
        "password-reset/validate/<str:token>",
        apis.PasswordResetValidateApi.as_view(),
        name="password-reset-validate",
    ),
]
