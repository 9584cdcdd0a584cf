"""Writes on roles and role assignments. Nobody grants more than they hold, and only an owner touches the
owner role, so a tenant admin cannot escalate through roles. System roles are read-only."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from shared_apps.accounts import principal_cache
from shared_apps.accounts.models import Membership, User
from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationFailed
from shared_apps.tenants.models import Tenant

from .enums import SYSTEM_ROLE_PERMISSIONS, PermissionCode, SystemRole
from .models import Permission, Role, RoleAssignment
from .selectors import holds_role

EVENT_ROLE_CHANGED = EventType.ROLE_CHANGED
EVENT_ROLE_ASSIGNED = EventType.ROLE_ASSIGNED
EVENT_ROLE_UNASSIGNED = EventType.ROLE_UNASSIGNED


def _permissions(codes: Iterable[str], *, actor_codes: frozenset[str]) -> list[Permission]:
    wanted = sorted(set(codes))
    found = list(Permission.objects.filter(code__in=wanted))
    unknown = sorted(set(wanted) - {p.code for p in found})
    if unknown:
        raise ValidationFailed(
            "Codes de permission inconnus.", code="unknown_permission", details={"codes": unknown}
        )
    beyond = sorted(set(wanted) - actor_codes)
    if beyond:
        raise PermissionDenied(
            "Un rôle ne peut pas détenir de permissions que vous n'avez pas.",
            code="permission_escalation",
            details={"codes": beyond},
        )
    return found


def _editable(role: Role, tenant: Tenant) -> None:
    if role.is_system or role.tenant_id != tenant.pk:
        raise PermissionDenied("Les rôles système ne peuvent pas être modifiés.", code="system_role")


@transaction.atomic
def role_create(
    *,
    tenant: Tenant,
    actor: User,
    actor_codes: frozenset[str],
    name: str,
    description: str = "",
    permissions: Iterable[str],
) -> Role:
    slug = slugify(name)[:64]
    if not slug:
        raise ValidationFailed(
            "Le rôle doit avoir un nom fait de lettres ou de chiffres.", code="invalid_role_name"
        )
    if slug in SystemRole.values or Role.objects.filter(tenant=tenant, slug=slug).exists():
        raise Conflict("Un rôle de ce nom existe déjà.", code="role_exists")
    perms = _permissions(permissions, actor_codes=actor_codes)
    try:
        with transaction.atomic():
            role = Role.objects.create(tenant=tenant, slug=slug, name=name.strip(), description=description)
    except IntegrityError as error:
        raise Conflict("Un rôle de ce nom existe déjà.", code="role_exists") from error
    role.permissions.set(perms)
    _audit(
        tenant,
        actor,
        {"role_id": role.pk, "action": "created", "permissions": sorted(p.code for p in perms)},
    )
    return role


@transaction.atomic
def role_update(
    *,
    tenant: Tenant,
    role: Role,
    actor: User,
    actor_codes: frozenset[str],
    data: dict[str, Any],
) -> Role:
    _editable(role, tenant)
    fields = [f for f in ("name", "description") if f in data]
    for field in fields:
        setattr(role, field, str(data[field]).strip())
    if fields:
        role.save(update_fields=[*fields, "updated_at"])
    if "permissions" in data:
        role.permissions.set(_permissions(data["permissions"], actor_codes=actor_codes))
        _forget_holders(role)
    _audit(tenant, actor, {"role_id": role.pk, "action": "updated", "fields": sorted(data)})
    return role


@transaction.atomic
def role_delete(*, tenant: Tenant, role: Role, actor: User) -> None:
    _editable(role, tenant)
    role_id = role.pk
    role.delete()  # its assignments go with it: they grant nothing from now on
    _forget_holders(role)
    _audit(tenant, actor, {"role_id": role_id, "action": "deleted"})


def _forget_holders(role: Role) -> None:
    """The cached principals of whoever may hold the role (its tenant's members, or everyone's)."""
    if role.tenant_id is None:
        principal_cache.forget_all()
    else:
        principal_cache.forget_tenant(role.tenant_id)


def _guard_assignment(
    *,
    tenant: Tenant,
    membership: Membership,
    role: Role,
    actor: User,
    actor_codes: frozenset[str],
    now: datetime,
) -> None:
    if role.tenant_id not in (None, tenant.pk):
        raise NotFound("Rôle introuvable.", code="role_not_found")
    if membership.user_id == actor.pk:
        raise PermissionDenied("Vous ne pouvez pas modifier vos propres rôles.", code="cannot_modify_self")
    beyond = sorted({p.code for p in role.permissions.all()} - actor_codes)
    if beyond:
        raise PermissionDenied(
            "Vous ne pouvez pas attribuer ou retirer un rôle aux permissions que vous n'avez pas.",
            code="permission_escalation",
            details={"codes": beyond},
        )
    if (
        role.slug == SystemRole.OWNER
        and role.is_system
        and not holds_role(user_id=actor.pk, tenant_id=tenant.pk, slug=SystemRole.OWNER, now=now)
    ):
        raise PermissionDenied(
            "Seul un propriétaire peut attribuer ou retirer le rôle de propriétaire.", code="owner_only"
        )


@transaction.atomic
def role_assign(
    *,
    tenant: Tenant,
    membership: Membership,
    role: Role,
    actor: User,
    actor_codes: frozenset[str],
    expires_at: datetime | None = None,
) -> RoleAssignment:
    now = timezone.now()
    _guard_assignment(
        tenant=tenant, membership=membership, role=role, actor=actor, actor_codes=actor_codes, now=now
    )
    if expires_at is not None and expires_at <= now:
        raise ValidationFailed("expires_at doit être dans le futur.", code="invalid_expiry")
    assignment, _ = RoleAssignment.objects.update_or_create(
        membership=membership, role=role, defaults={"expires_at": expires_at, "granted_by": actor}
    )
    principal_cache.forget_user(membership.user_id)
    audit_record(
        event_type=EVENT_ROLE_ASSIGNED,
        tenant=tenant,
        user=membership.user,
        actor=actor,
        details={"role_id": role.pk, "role": role.slug, "expires_at": expires_at},
    )
    return assignment


@transaction.atomic
def role_unassign(
    *,
    tenant: Tenant,
    membership: Membership,
    role: Role,
    actor: User,
    actor_codes: frozenset[str],
) -> None:
    _guard_assignment(
        tenant=tenant,
        membership=membership,
        role=role,
        actor=actor,
        actor_codes=actor_codes,
        now=timezone.now(),
    )
    deleted, _ = RoleAssignment.objects.filter(membership=membership, role=role).delete()
    if not deleted:
        raise NotFound("Ce membre n'a pas ce rôle.", code="assignment_not_found")
    principal_cache.forget_user(membership.user_id)
    audit_record(
        event_type=EVENT_ROLE_UNASSIGNED,
        tenant=tenant,
        user=membership.user,
        actor=actor,
        details={"role_id": role.pk, "role": role.slug},
    )


def _audit(tenant: Tenant, actor: User, details: dict[str, Any]) -> None:
    audit_record(event_type=EVENT_ROLE_CHANGED, tenant=tenant, user=actor, details=details)


@transaction.atomic
def system_roles_sync() -> None:
    """Make the Permission rows and the global system roles match enums.py (idempotent). Migration 0002
    seeds them; this restores them where a test flushed the tables, or after a code was added."""
    by_code = {}
    for code in PermissionCode:
        resource, action = code.value.split(":")
        by_code[code.value], _ = Permission.objects.update_or_create(
            code=code.value, defaults={"resource": resource, "action": action, "description": code.label}
        )
    for slug, codes in SYSTEM_ROLE_PERMISSIONS.items():
        role, _ = Role.objects.update_or_create(
            tenant=None, slug=slug, defaults={"name": SystemRole(slug).label, "is_system": True}
        )
        role.permissions.set([by_code[c] for c in codes])
    principal_cache.forget_all()
