"""The hook between a correct password and the second factor (filled in by shared_apps.mfa, M3)."""

from __future__ import annotations

from collections.abc import Iterable

from shared_apps.accounts.models import User
from shared_apps.mfa import selectors as mfa_selectors
from shared_apps.tenants.models import Tenant


def user_has_mfa(user: User) -> bool:
    """Whether logging in needs a second factor after the password: a confirmed TOTP device."""
    return mfa_selectors.user_has_mfa(user)


def mfa_required_for(*, tenant: Tenant, user: User) -> bool:
    """Whether the tenant's `mfa_policy` requires a second factor of this member."""
    return mfa_selectors.member_must_use_mfa(tenant=tenant, user=user)


def mfa_setup_pending(*, tenant: Tenant, user: User, auth_methods: Iterable[str]) -> bool:
    """Whether a session's tokens must be restricted to MFA set-up: the tenant requires a second factor of
    this member and the session was opened without one (no device yet, or one enabled after this login:
    then logging in again lifts the restriction)."""
    if mfa_selectors.SECOND_FACTORS & {str(m) for m in auth_methods or ()}:
        return False
    return mfa_selectors.member_must_use_mfa(tenant=tenant, user=user)
