"""Reads: does a person have MFA, what does their tenant require, what is their MFA status."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from shared_apps.accounts.models import Membership, User
from shared_apps.tenants.models import Tenant

from .models import RecoveryCode, TOTPDevice

logger = logging.getLogger(__name__)

POLICY_OPTIONAL = "optional"
POLICY_ADMINS = "required_for_admins"
POLICY_ALL = "required_for_all"
POLICIES = (POLICY_OPTIONAL, POLICY_ADMINS, POLICY_ALL)
# The factors that count as a second factor in a session's auth_methods.
SECOND_FACTORS = frozenset({"totp", "recovery"})


def user_has_mfa(user: User) -> bool:
    """Whether logging in needs a second factor after the password: a confirmed TOTP device. (A request's
    own caller has it on their principal: `principal.mfa.enabled`.)"""
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


def mfa_policy(tenant: Tenant) -> str:
    """The tenant's `mfa_policy` setting. An unknown value is read as the strictest (fail closed): a typo
    in a tenant's settings must not silently switch MFA off."""
    value = tenant.setting("mfa_policy", POLICY_OPTIONAL)
    if value not in POLICIES:
        logger.warning(
            "tenant %s has an unknown mfa_policy %r; treating it as %s", tenant.slug, value, POLICY_ALL
        )
        return POLICY_ALL
    return str(value)


def mfa_policy_applies(*, tenant: Tenant, is_admin: bool) -> bool:
    policy = mfa_policy(tenant)
    return policy == POLICY_ALL or (policy == POLICY_ADMINS and is_admin)


def member_must_use_mfa(*, tenant: Tenant, user: User) -> bool:
    """Whether the tenant's policy requires a second factor of this member."""
    policy = mfa_policy(tenant)
    if policy == POLICY_OPTIONAL:
        return False
    if policy == POLICY_ALL:
        return True
    return Membership.objects.filter(user=user, tenant=tenant, is_active=True, is_admin=True).exists()


def mfa_required_by_any_tenant(*, user: User) -> bool:
    """Whether some tenant the person is an active member of requires MFA of them (then it stays on)."""
    memberships = Membership.objects.filter(user=user, is_active=True).select_related("tenant")
    return any(mfa_policy_applies(tenant=m.tenant, is_admin=m.is_admin) for m in memberships)


def recovery_codes_remaining(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def mfa_status(*, user: User) -> dict[str, Any]:
    device = TOTPDevice.objects.filter(user=user).first()
    enabled = bool(device and device.confirmed)
    return {
        "enabled": enabled,
        "configured": device is not None,
        "recovery_codes_remaining": recovery_codes_remaining(user=user) if enabled else 0,
        "last_used_at": device.last_used_at if device else None,
        "created_at": (device.confirmed_at or device.created_at) if device else None,
    }


def mfa_setup_pending(*, tenant: Tenant, user: User, auth_methods: Iterable[str]) -> bool:
    """Whether a session's tokens must be restricted to MFA set-up: the tenant requires a second factor of
    this member and the session was opened without one (no device yet, or one enabled after this login:
    then logging in again lifts the restriction)."""
    if SECOND_FACTORS & {str(m) for m in auth_methods or ()}:
        return False
    return member_must_use_mfa(tenant=tenant, user=user)
