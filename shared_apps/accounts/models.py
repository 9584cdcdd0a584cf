"""People and their tenants (public schema): one `User` per person, one `Membership` per tenant of theirs.

The primary key is a UUID (not an integer plus a separate public id): it is the `sub` of every access token,
the id in every URL and the foreign key from each tenant's session table, so one identifier serves all
three and none of them can be enumerated.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower

from .managers import UserManager
from .validators import validate_e164


class User(AbstractBaseUser, PermissionsMixin):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=16, blank=True, validators=[validate_e164])
    is_active = models.BooleanField(default=True)
    is_verified = models.BooleanField(default=False)
    # Platform staff (Django admin on the public host); tenant administrators are Membership.is_admin.
    is_staff = models.BooleanField(default=False)
    password_changed_at = models.DateTimeField(null=True, blank=True)
    last_login_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Our own `last_login_at` replaces Django's `last_login` (and with it the update_last_login receiver).
    last_login = None

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.first_name or self.email


# On this one field (not every CharField): `email__lower=` compiles to LOWER(email) = %s, the unique index.
User._meta.get_field("email").register_lookup(Lower)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="memberships")
    is_active = models.BooleanField(default=True)
    # Tenant administrator (the contract's "is_superuser"); finer rights come from roles (shared_apps.rbac).
    is_admin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "tenant"], name="accounts_membership_user_tenant_unique"),
        ]
        indexes = [models.Index(fields=["tenant", "user"], name="accounts_mem_tenant_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.tenant_id}"


class PasswordResetToken(models.Model):
    """A single-use reset link for one user at one tenant; only the SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_reset_tokens")
    tenant = models.ForeignKey(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="password_reset_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "tenant"], name="accounts_prt_user_tenant_idx")]

    def __str__(self) -> str:
        return f"reset {self.user_id}@{self.tenant_id}"
