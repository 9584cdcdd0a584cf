"""Writes on people and memberships: creating a person and their membership, a person's own profile, the
password rules. Administering a tenant's members (which ends their sessions and API keys) is
shared_apps.members; changing and resetting a password (which end sessions) is shared_apps.authn."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import Conflict, ValidationFailed
from shared_apps.tenants.models import Tenant

from . import principal_cache
from .managers import normalize_email
from .models import Membership, User
from .passwords import validate_password_policy
from .validators import validate_e164

PROFILE_FIELDS = ("first_name", "last_name", "phone")


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
        raise ValidationFailed("Saisissez une adresse e-mail valide.", code="invalid_email") from error
    return email


def phone_clean(phone: str) -> str:
    phone = (phone or "").strip()
    try:
        validate_e164(phone)
    except ValidationError as error:
        raise ValidationFailed(error.messages[0], code="invalid_phone") from error
    return phone


def user_password_set(*, user: User, password: str, tenant: Tenant | None) -> None:
    """Check the password against the policy and set it (the caller saves the user)."""
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
        raise Conflict("Un compte existe déjà avec cette adresse e-mail.", code="email_taken")
    user = User(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        phone=phone_clean(phone),
        is_verified=is_verified,
    )
    if password:
        user_password_set(user=user, password=password, tenant=tenant)
    else:
        user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:  # a concurrent insert of the same address
        raise Conflict("Un compte existe déjà avec cette adresse e-mail.", code="email_taken") from error
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
        details={"is_admin": is_admin, "is_active": is_active, "by": str(actor.pk) if actor else None},
    )
    return membership


@transaction.atomic
def membership_grant(*, tenant: Tenant, user: User, is_admin: bool = False) -> Membership:
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
        details={"is_admin": is_admin, "is_active": True, "created": created},
    )
    return membership


@transaction.atomic
def user_profile_update(*, tenant: Tenant, user: User, data: dict[str, Any]) -> User:
    """The member's own profile: names and phone only, whatever else the request carried."""
    changed = profile_apply(user, data)
    if changed:
        user.save(update_fields=[*changed, "updated_at"])
        principal_cache.forget_user(user.pk)
        audit_record(
            event_type=EventType.USER_UPDATED,
            tenant=tenant,
            user=user,
            details={"fields": changed, "by": "self"},
        )
    return user


def profile_apply(user: User, data: dict[str, Any]) -> list[str]:
    changed = []
    for field in PROFILE_FIELDS:
        if field in data:
            value = phone_clean(data[field]) if field == "phone" else str(data[field]).strip()
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
    return changed
