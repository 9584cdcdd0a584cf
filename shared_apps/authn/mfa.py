"""The hook between a correct password and the second factor (M3 fills it in)."""

from __future__ import annotations

from shared_apps.accounts.models import User


def user_has_mfa(user: User) -> bool:
    """Whether logging in needs a second factor after the password. M3: a confirmed TOTP device."""
    return False
