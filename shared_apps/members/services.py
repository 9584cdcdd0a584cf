"""Administering a tenant's members: a tenant admin's changes to a member, deactivation and removal (which
end the member's sessions and API keys at this tenant).

Fields that belong to the person (email, names, phone, verification) are changed by a tenant admin only
when that person belongs to no other tenant, so one tenant's admin cannot take over or alter an account
that another tenant relies on.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shared_apps.accounts import principal_cache
from shared_apps.accounts.models import Membership, User
from shared_apps.accounts.services import clean_email, profile_apply
from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import Conflict, PermissionDenied
from shared_apps.tenants.models import Tenant
from tenant_apps.apikeys.services import api_keys_revoke_for_user
from tenant_apps.sessions.enums import RevokeReason
from tenant_apps.sessions.services import sessions_revoke

IDENTITY_FIELDS = ("email", "first_name", "last_name", "phone", "is_verified")


def _only_member_of(user: User, tenant: Tenant) -> bool:
    return not Membership.objects.filter(user=user).exclude(tenant=tenant).exists()


def _forbid_self(actor: User, user: User) -> None:
    if actor.pk == user.pk:
        raise PermissionDenied(
            "Un administrateur ne peut pas modifier ici ses propres droits ni son statut.",
            code="cannot_modify_self",
        )


@transaction.atomic
def member_update(
    *,
    tenant: Tenant,
    membership: Membership,
    actor: User,
    data: dict[str, Any],
) -> Membership:
    """A tenant admin's change of a member: membership flags, and identity fields under the rule above."""
    user = membership.user
    identity = [f for f in IDENTITY_FIELDS if f in data]
    if identity and not _only_member_of(user, tenant):
        raise PermissionDenied(
            "Ce compte appartient aussi à une autre organisation ; seul son titulaire peut le modifier.",
            code="shared_account",
        )
    changed = _identity_apply(user, data)
    flags = _flags_apply(membership=membership, actor=actor, data=data)
    if changed or flags:
        principal_cache.forget_user(user.pk)
        audit_record(
            event_type=EventType.USER_DEACTIVATED
            if flags.get("is_active") is False
            else EventType.USER_UPDATED,
            tenant=tenant,
            user=user,
            details={"fields": sorted(set(changed) | set(flags)), "by": str(actor.pk)},
        )
    return membership


def _identity_apply(user: User, data: dict[str, Any]) -> list[str]:
    """The person's fields in `data`, saved; the names of those that changed."""
    changed = profile_apply(user, data)
    if "email" in data:
        email = clean_email(data["email"])
        if email != user.email:
            if User.objects.filter(email__lower=email).exclude(pk=user.pk).exists():
                raise Conflict("Un compte existe déjà avec cette adresse e-mail.", code="email_taken")
            user.email, user.is_verified = email, False
            changed += ["email", "is_verified"]
    if "is_verified" in data and bool(data["is_verified"]) != user.is_verified:
        user.is_verified = bool(data["is_verified"])
        changed.append("is_verified")
    if changed:
        user.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    return changed


def _flags_apply(*, membership: Membership, actor: User, data: dict[str, Any]) -> dict[str, bool]:
    """The membership flags in `data` that change, saved; a deactivation ends the member's sessions and
    API keys here."""
    flags = {k: bool(data[k]) for k in ("is_active", "is_admin") if k in data}
    flags = {k: v for k, v in flags.items() if getattr(membership, k) != v}
    if flags:
        _forbid_self(actor, membership.user)
        for key, value in flags.items():
            setattr(membership, key, value)
        membership.save(update_fields=[*flags, "updated_at"])
        if flags.get("is_active") is False:
            sessions_revoke(user_id=membership.user_id, reason=RevokeReason.DEACTIVATED)
            api_keys_revoke_for_user(user_id=membership.user_id, reason=RevokeReason.DEACTIVATED)
    return flags


def member_set_active(
    *,
    tenant: Tenant,
    membership: Membership,
    actor: User,
    is_active: bool,
) -> Membership:
    return member_update(tenant=tenant, membership=membership, actor=actor, data={"is_active": is_active})


@transaction.atomic
def member_remove(*, tenant: Tenant, membership: Membership, actor: User) -> None:
    """Remove the person from this tenant and end their sessions here. The account itself stays: it may
    belong to other tenants, and the audit log keeps pointing at it."""
    user = membership.user
    _forbid_self(actor, user)
    sessions_revoke(user_id=user.pk, reason=RevokeReason.REMOVED)
    api_keys_revoke_for_user(user_id=user.pk, reason=RevokeReason.REMOVED)
    membership.delete()
    principal_cache.forget_user(user.pk)
    audit_record(
        event_type=EventType.USER_DELETED,
        tenant=tenant,
        user=user,
        details={"by": str(actor.pk), "scope": "membership"},
    )
