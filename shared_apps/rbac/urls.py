from django.urls import path

from . import apis

urlpatterns = [
    path("roles", apis.RoleListApi.as_view(), name="roles"),
    path("roles/<int:role_id>", apis.RoleDetailApi.as_view(), name="role-detail"),
    path("users/<uuid:user_id>/roles", apis.UserRoleListApi.as_view(), name="user-roles"),
    path("users/<uuid:user_id>/roles/<int:role_id>", apis.UserRoleDetailApi.as_view(), name="user-role"),
]
