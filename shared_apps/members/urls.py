from django.urls import path

from . import apis

urlpatterns = [
    path("auth/register", apis.RegisterApi.as_view(), name="auth-register"),
    path("users/me", apis.MeApi.as_view(), name="users-me"),
    path("users", apis.UserListApi.as_view(), name="users"),
    path("users/<uuid:user_id>", apis.UserDetailApi.as_view(), name="user-detail"),
    path("users/<uuid:user_id>/verify", apis.UserVerifyApi.as_view(), name="user-verify"),
    path("users/<uuid:user_id>/activate", apis.UserActivateApi.as_view(), name="user-activate"),
    path("users/<uuid:user_id>/deactivate", apis.UserDeactivateApi.as_view(), name="user-deactivate"),
    path("audit/events", apis.AuditEventListApi.as_view(), name="audit-events"),
]
