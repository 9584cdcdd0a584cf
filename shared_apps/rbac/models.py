"""Roles and permissions (public schema).

A `Role` with no tenant is global (the five system roles); a role with a tenant is that tenant's own.
Roles are given to a `Membership` through `RoleAssignment`, optionally until `expires_at`: the request-time
check (selectors.permission_codes_for) ignores an expired assignment, so it grants nothing the moment it
expires, without any job to clean it up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Permission(models.Model):
    code = models.CharField(max_length=64, unique=True)
    resource = models.CharField(max_length=32)
    action = models.CharField(max_length=32)
    description = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Role(models.Model):
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, null=True, blank=True, related_name="roles"
    )
    slug = models.SlugField(max_length=64)
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=255, blank=True)
    is_system = models.BooleanField(default=False)
    permissions = models.ManyToManyField(Permission, related_name="roles", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["tenant_id", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="rbac_role_tenant_slug_unique"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(tenant__isnull=True), name="rbac_role_global_slug_unique"
            ),
            # System roles are global; a tenant's roles are never system roles.
            models.CheckConstraint(
                condition=Q(is_system=False) | Q(tenant__isnull=True), name="rbac_role_system_is_global"
            ),
        ]

    def __str__(self) -> str:
        return self.slug


class RoleAssignment(models.Model):
    membership = models.ForeignKey(
        "accounts.Membership", on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="assignments")
    expires_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="role_grants",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["membership", "role"], name="rbac_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.role_id} -> {self.membership_id}"
