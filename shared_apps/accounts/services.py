"""Writes on people and memberships. Tenant-admin operations act on the membership at the routed tenant;
fields that belong to the person (email, names, phone, verification, password) are changed by a tenant
admin only when that person belongs to no other tenant, so one tenant's admin cannot take over or alter
an account that another tenant relies on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.authn import principal_cache
from shared_apps.authn.tenant_side import RevokeReason, tenant_side
from shared_apps.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from shared_apps.tenants.models import Tenant

from .managers import normalize_email
from .models import Membership, User
from .passwords import validate_password_policy
from .validators import validate_e164

PROFILE_FIELDS = ("first_name", "last_name", "phone")
IDENTITY_FIELDS = ("email", "first_name", "last_name", "phone", "is_verified")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password("dummy password for timing equalisation")


def password_dummy_check(password: str) -> None:
    """Spend the time of one real verification, so an unknown account answers as slowly as a known one."""
    check_password(password, _dummy_hash())


def user_check_password(*, user: User, password: str) -> bool:
    """Verify; a hash made by an older hasher (the predecessor's bcrypt) is replaced by Argon2id on success.
    A re-hash is not a password change: password_changed_at stays."""
    if not user.has_usable_password():
        password_dummy_check(password)
        return False

    def upgrade(raw: str) -> None:
        user.set_password(raw)
        User.objects.filter(pk=user.pk).update(password=user.password)

    return check_password(password, user.password, setter=upgrade)


def clean_email(email: str) -> str:
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationFailed("Enter a valid email address.", code="invalid_email") from error
    return email


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip()
    try:
        validate_e164(phone)
    except ValidationError as error:
        raise ValidationFailed(error.messages[0], code="invalid_phone") from error
    return phone


def _set_password(*, user: User, password: str, tenant: Tenant | None) -> None:
    validate_password_policy(password, email=user.email, tenant_name=tenant.name if tenant else "")
    user.set_password(password)
    user.password_changed_at = timezone.now()


def _create_user(
    *,
    email: str,
    password: str | None,
    first_name: str,
    last_name: str,
    phone: str,
    is_verified: bool,
    tenant: Tenant,
) -> User:
    email = clean_email(email)
    if User.objects.filter(email__lower=email).exists():
        raise Conflict("An account with this email already exists.", code="email_taken")
    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=_clean_phone(phone),
        is_verified=is_verified,
    )
    if password:
        _set_password(user=user, password=password, tenant=tenant)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # a concurrent insert of the same address
        raise Conflict("An account with this email already exists.", code="email_taken") from error
    return user


@transaction.atomic
def member_create(
    *,
    tenant: Tenant,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    is_active: bool = True,
    is_verified: bool = False,
    is_admin: bool = False,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    """A new person and their membership at `tenant` (admin creation, self-sign-up, the CLI)."""
    user = _create_user(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        phone=phone,
        is_verified=is_verified,
        tenant=tenant,
    )
    membership = Membership.objects.create(user=user, tenant=tenant, is_active=is_active, is_admin=is_admin)
    audit_record(
        event_type=EventType.USER_CREATED,
        tenant=tenant,
        user=user,
        request=request,
        details={"is_admin": is_admin, "is_active": is_active, "by": str(actor.pk) if actor else None},
    )
    return membership


@transaction.atomic
def membership_grant(
    *, tenant: Tenant, user: User, is_admin: bool = False, request: HttpRequest | None = None
) -> Membership:
    """Add an existing person to `tenant` (the CLI's path for someone who already has an account)."""
    membership, created = Membership.objects.get_or_create(
        user=user, tenant=tenant, defaults={"is_admin": is_admin}
    )
    if not created and (membership.is_admin != is_admin or not membership.is_active):
        membership.is_admin, membership.is_active = is_admin, True
        membership.save(update_fields=["is_admin", "is_active", "updated_at"])
    principal_cache.forget_user(user.pk)
    audit_record(
        event_type=EventType.MEMBERSHIP_CHANGED,
        tenant=tenant,
        user=user,
        request=request,
        details={"is_admin": is_admin, "is_active": True, "created": created},
    )
    return membership


@transaction.atomic
def user_profile_update(*, user: User, data: dict[str, Any], request: HttpRequest | None = None) -> User:
    """The member's own profile: names and phone only, whatever else the request carried."""
    changed = _apply_profile(user, data)
    if changed:
        user.save(update_fields=[*changed, "updated_at"])
        principal_cache.forget_user(user.pk)
        audit_record(
            event_type=EventType.USER_UPDATED,
            tenant=getattr(request, "tenant", None),
            user=user,
            request=request,
            details={"fields": changed, "by": "self"},
        )
    return user


def _apply_profile(user: User, data: dict[str, Any]) -> list[str]:
    changed = []
    for field in PROFILE_FIELDS:
        if field in data:
            value = _clean_phone(data[field]) if field == "phone" else str(data[field]).strip()
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
    return changed


def _only_member_of(user: User, tenant: Tenant) -> bool:
    return not Membership.objects.filter(user=user).exclude(tenant=tenant).exists()


def _forbid_self(actor: User, user: User) -> None:
    if actor.pk == user.pk:
        raise PermissionDenied(
            "Administrators cannot change their own rights or status here.", code="cannot_modify_self"
        )


@transaction.atomic
def member_update(
    *,
    tenant: Tenant,
    membership: Membership,
    actor: User,
    data: dict[str, Any],
    request: HttpRequest | None = None,
) -> Membership:
    """A tenant admin's change of a member: membership flags, and identity fields under the rule above."""
    user = membership.user
    identity = [f for f in IDENTITY_FIELDS if f in data]
    if identity and not _only_member_of(user, tenant):
        raise PermissionDenied(
            "This account also belongs to another organisation; only its owner can change it.",
            code="shared_account",
        )
    changed = _apply_profile(user, data)
    if "email" in data:
        email = clean_email(data["email"])
        if email != user.email:
            if User.objects.filter(email__lower=email).exclude(pk=user.pk).exists():
                raise Conflict("An account with this email already exists.", code="email_taken")
            user.email, user.is_verified = email, False
            changed += ["email", "is_verified"]
    if "is_verified" in data and bool(data["is_verified"]) != user.is_verified:
        user.is_verified = bool(data["is_verified"])
        changed.append("is_verified")
    if changed:
        user.save(update_fields=[*dict.fromkeys(changed), "updated_at"])
    flags = {k: bool(data[k]) for k in ("is_active", "is_admin") if k in data}
    flags = {k: v for k, v in flags.items() if getattr(membership, k) != v}
    if flags:
        _forbid_self(actor, user)
        for key, value in flags.items():
            setattr(membership, key, value)
        membership.save(update_fields=[*flags, "updated_at"])
        if flags.get("is_active") is False:
            tenant_side().sessions_revoke(user_id=user.pk, reason=RevokeReason.DEACTIVATED)
            tenant_side().api_keys_revoke_for_user(user_id=user.pk, reason=RevokeReason.DEACTIVATED)
    if changed or flags:
        principal_cache.forget_user(user.pk)
        audit_record(
            event_type=EventType.USER_DEACTIVATED
            if flags.get("is_active") is False
            else EventType.USER_UPDATED,
            tenant=tenant,
            user=user,
            request=request,
            details={"fields": sorted(set(changed) | set(flags)), "by": str(actor.pk)},
        )
    return membership


def member_set_active(
    *,
    tenant: Tenant,
    membership: Membership,
    actor: User,
    is_active: bool,
    request: HttpRequest | None = None,
) -> Membership:
    return member_update(
        tenant=tenant, membership=membership, actor=actor, data={"is_active": is_active}, request=request
    )


@transaction.atomic
def member_remove(
    *, tenant: Tenant, membership: Membership, actor: User, request: HttpRequest | None = None
) -> None:
    """Remove the person from this tenant and end their sessions here. The account itself stays: it may
    belong to other tenants, and the audit log keeps pointing at it."""
    user = membership.user
    _forbid_self(actor, user)
    tenant_side().sessions_revoke(user_id=user.pk, reason=RevokeReason.REMOVED)
    tenant_side().api_keys_revoke_for_user(user_id=user.pk, reason=RevokeReason.REMOVED)
    membership.delete()
    principal_cache.forget_user(user.pk)
    audit_record(
        event_type=EventType.USER_DELETED,
        tenant=tenant,
        user=user,
        request=request,
        details={"by": str(actor.pk), "scope": "membership"},
    )


@transaction.atomic
def password_change(
    *,
    tenant: Tenant,
    user: User,
    current_password: str,
    new_password: str,
    session_id: Any,
    request: HttpRequest | None = None,
) -> int:
    """Change one's own password; every other session, at every tenant, ends. Returns how many ended."""
    if not user_check_password(user=user, password=current_password):
        raise ValidationFailed("The current password is incorrect.", code="invalid_current_password")
    _set_password(user=user, password=new_password, tenant=tenant)
    user.save(update_fields=["password", "password_changed_at", "updated_at"])
    principal_cache.forget_user(user.pk)
    revoked = tenant_side().sessions_revoke_everywhere(
        user=user, reason=RevokeReason.PASSWORD_CHANGED, except_session_id=session_id
    )
    audit_record(
        event_type=EventType.PASSWORD_CHANGED,
        tenant=tenant,
        user=user,
        request=request,
        details={"sessions_revoked": revoked},
    )
    return revoked


@dataclass(frozen=True)
class PasswordSet:
    user: User
    sessions_revoked: int


def password_set_by_reset(*, tenant: Tenant, user: User, new_password: str) -> PasswordSet:
    """The password part of a reset (password_reset.py holds the token part); ends every session."""
    _set_password(user=user, password=new_password, tenant=tenant)
    user.save(update_fields=["password", "password_changed_at", "updated_at"])
    principal_cache.forget_user(user.pk)
    revoked = tenant_side().sessions_revoke_everywhere(user=user, reason=RevokeReason.PASSWORD_RESET)
    return PasswordSet(user=user, sessions_revoked=revoked)
