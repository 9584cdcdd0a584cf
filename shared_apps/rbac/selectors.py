"""Reads of roles and of what a member may do. Tenant-scoped reads take the tenant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from shared_apps.core.exceptions import NotFound
from shared_apps.tenants.models import Tenant

from .enums import SYSTEM_ROLE_PERMISSIONS, SystemRole
from .models import Permission, Role, RoleAssignment


def _live(now: datetime) -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now)


def codes_combine(*, assigned: bool, codes: Iterable[str | None], is_admin: bool) -> frozenset[str]:
    """What a member holds, from their live assignments' codes:

    - the permissions of every assignment that has not expired;
    - the member role when the membership has no live assignment (every member starts as a member, and
      falls back to it when a temporary role runs out);
    - the admin role when Membership.is_admin is set (the flag that makes an administrator).
    """
    held: set[str] = {code for code in codes if code}
    if not assigned:
        held |= SYSTEM_ROLE_PERMISSIONS[SystemRole.MEMBER]
    if is_admin:
        held |= SYSTEM_ROLE_PERMISSIONS[SystemRole.ADMIN]
    return frozenset(held)


def permission_codes_for(*, user_id: Any, tenant_id: Any, is_admin: bool, now: datetime) -> frozenset[str]:
    """The codes a member holds at a tenant right now (one query)."""
    rows = list(
        RoleAssignment.objects.filter(
            _live(now), membership__user_id=user_id, membership__tenant_id=tenant_id
        )
        .values_list("role_id", "role__permissions__code")
        .distinct()
    )
    return codes_combine(assigned=bool(rows), codes=(code for _, code in rows), is_admin=is_admin)


def live_codes_annotations(*, user_ref: str, tenant_id: Any, now: datetime) -> dict[str, Any]:
    """Annotations that read a member's live role codes inside the principal query, so that the
    permission check costs no query of its own: `rbac_assigned` and `rbac_codes` (see codes_combine)."""
    assignments = RoleAssignment.objects.filter(
        _live(now), membership__user_id=OuterRef(user_ref), membership__tenant_id=tenant_id
    )
    return {
        "rbac_assigned": Exists(assignments),
        "rbac_codes": ArraySubquery(
            assignments.filter(role__permissions__isnull=False).values("role__permissions__code")
        ),
    }


def holds_role(*, user_id: Any, tenant_id: Any, slug: str, now: datetime) -> bool:
    return RoleAssignment.objects.filter(
        _live(now), membership__user_id=user_id, membership__tenant_id=tenant_id, role__slug=slug
    ).exists()


def role_list(*, tenant: Tenant) -> QuerySet[Role]:
    """The global roles and this tenant's own, with their permissions."""
    return (
        Role.objects.filter(Q(tenant__isnull=True) | Q(tenant=tenant))
        .prefetch_related(Prefetch("permissions", queryset=Permission.objects.order_by("code")))
        .order_by("-is_system", "slug")
    )


def role_get(*, tenant: Tenant, role_id: Any) -> Role:
    """A global role or one of this tenant's; another tenant's role is a 404 like an unknown one."""
    role = role_list(tenant=tenant).filter(pk=role_id).first()
    if role is None:
        raise NotFound("Rôle introuvable.", code="role_not_found")
    return role


def assignment_list(*, tenant: Tenant, user_id: Any) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(membership__tenant=tenant, membership__user_id=user_id)
        .select_related("role")
        .order_by("role__slug")
    )
