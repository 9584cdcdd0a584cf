"""Output shapes of a user as the contract names them (tenant-scoped: `is_active` and `is_superuser` are
the membership's at the routed tenant)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from shared_apps.accounts.models import Membership, User
from shared_apps.mfa.selectors import user_has_mfa


class UserOutputSerializer(serializers.Serializer[Any]):
    """The short form (register, lists)."""

    id = serializers.UUIDField()
    tenant_id = serializers.SerializerMethodField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    full_name = serializers.CharField()
    is_active = serializers.SerializerMethodField()
    is_verified = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def _membership(self, user: User) -> Membership | None:
        membership = self.context.get("membership")
        if membership is None:
            memberships = self.context.get("memberships") or {}
            membership = memberships.get(user.pk)
        return membership

    def get_tenant_id(self, user: User) -> str:
        return str(self.context["tenant"].slug)

    def get_is_active(self, user: User) -> bool:
        membership = self._membership(user)
        return bool(user.is_active and membership is not None and membership.is_active)


class UserDetailOutputSerializer(UserOutputSerializer):
    """The full form an administrator sees."""

    phone = serializers.CharField()
    is_superuser = serializers.SerializerMethodField()
    last_login_at = serializers.DateTimeField(allow_null=True)
    password_changed_at = serializers.DateTimeField(allow_null=True)
    has_password = serializers.SerializerMethodField()
    has_mfa = serializers.SerializerMethodField()

    def get_is_superuser(self, user: User) -> bool:
        membership = self._membership(user)
        return bool(membership is not None and membership.is_admin)

    def get_has_password(self, user: User) -> bool:
        return user.has_usable_password()

    def get_has_mfa(self, user: User) -> bool:
        return user_has_mfa(user)


class MeOutputSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    full_name = serializers.CharField()
    phone = serializers.CharField()
    is_verified = serializers.BooleanField()
    has_mfa = serializers.SerializerMethodField()
    tenant_id = serializers.SerializerMethodField()
    tenant_name = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    last_login_at = serializers.DateTimeField(allow_null=True)

    def get_has_mfa(self, user: User) -> bool:
        known = self.context.get("has_mfa")  # the caller's own, known from their principal
        return bool(known) if known is not None else user_has_mfa(user)

    def get_tenant_id(self, user: Any) -> str:
        return str(self.context["tenant"].slug)

    def get_tenant_name(self, user: Any) -> str:
        return str(self.context["tenant"].name)
