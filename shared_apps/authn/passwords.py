"""Changing and resetting a password: the new password follows the policy, and sessions end (every other
one for a change, all of them for a reset) at every tenant the person belongs to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from shared_apps.accounts import principal_cache
from shared_apps.accounts.models import User
from shared_apps.accounts.services import user_check_password, user_password_set
from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import ValidationFailed
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions.enums import RevokeReason
from tenant_apps.sessions.services import sessions_revoke_everywhere


@transaction.atomic
def password_change(
    *,
    tenant: Tenant,
    user: User,
    current_password: str,
    new_password: str,
    session_id: Any,
) -> int:
    """Change one's own password; every other session, at every tenant, ends. Returns how many ended."""
    if not user_check_password(user=user, password=current_password):
        raise ValidationFailed("Le mot de passe actuel est incorrect.", code="invalid_current_password")
    user_password_set(user=user, password=new_password, tenant=tenant)
    user.save(update_fields=["password", "password_changed_at", "updated_at"])
    principal_cache.forget_user(user.pk)
    revoked = sessions_revoke_everywhere(
        user=user, reason=RevokeReason.PASSWORD_CHANGED, except_session_id=session_id
    )
    audit_record(
        event_type=EventType.PASSWORD_CHANGED,
        tenant=tenant,
        user=user,
        details={"sessions_revoked": revoked},
    )
    return revoked


@dataclass(frozen=True)
class PasswordSet:
    user: User
    sessions_revoked: int


def password_set_by_reset(*, tenant: Tenant, user: User, new_password: str) -> PasswordSet:
    """The password part of a reset (password_reset holds the token part); ends every session."""
    user_password_set(user=user, password=new_password, tenant=tenant)
    user.save(update_fields=["password", "password_changed_at", "updated_at"])
    principal_cache.forget_user(user.pk)
    revoked = sessions_revoke_everywhere(user=user, reason=RevokeReason.PASSWORD_RESET)
    return PasswordSet(user=user, sessions_revoked=revoked)
