"""Platform staff's view of roles and assignments (public host only)."""

from __future__ import annotations

from django.contrib import admin

from .models import Permission, Role, RoleAssignment


@admin.register(Permission)
class PermissionAdmin(admin.ModelAdmin[Permission]):
    list_display = ("code", "resource", "action")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin[Role]):
    list_display = ("slug", "name", "tenant", "is_system")
    list_filter = ("is_system",)
    filter_horizontal = ("permissions",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin[RoleAssignment]):
    list_display = ("membership", "role", "expires_at", "created_at")
    raw_id_fields = ("membership", "granted_by")
