"""Reads of sessions: the per-request principal lookup and the caller's own sessions."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db.models import F, FilteredRelation, Q, QuerySet

from shared_apps.accounts.models import User
from shared_apps.rbac.selectors import live_codes_annotations
from shared_apps.tenants.models import Tenant

from .models import UserSession


def _with_membership(queryset: QuerySet, *, prefix: str, tenant: Tenant, now: datetime) -> QuerySet:
    """LEFT JOIN the user's membership at `tenant` (at most one row: unique per user and tenant), and read
    their live role codes in the same query (M4: the permission check then costs no query)."""
    relation = f"{prefix}memberships"
    user_ref = f"{prefix}id" if prefix else "id"
    return queryset.annotate(
        tenant_membership=FilteredRelation(relation, condition=Q(**{f"{relation}__tenant_id": tenant.pk})),
        membership_is_active=F("tenant_membership__is_active"),
        membership_is_admin=F("tenant_membership__is_admin"),
        **live_codes_annotations(user_ref=user_ref, tenant_id=tenant.pk, now=now),
    )


def principal_for_token(
    *, tenant: Tenant, user_id: UUID, session_id: UUID, now: datetime, session_checked: bool
) -> User | None:
    """The user behind an access token, with `membership_is_active` / `membership_is_admin` set, or None.

    One query either way: when Redis already said the session is not revoked (`session_checked`), only the
    user and their membership are read; otherwise the live session row is joined in.
    """
    if session_checked:
        users = _with_membership(
            User.objects.filter(pk=user_id, is_active=True), prefix="", tenant=tenant, now=now
        )
        return users.first()
    sessions = UserSession.objects.filter(
        pk=session_id,
        user_id=user_id,
        user__is_active=True,
        revoked_at__isnull=True,
        idle_expires_at__gt=now,
        absolute_expires_at__gt=now,
    ).select_related("user")
    session = _with_membership(sessions, prefix="user__", tenant=tenant, now=now).first()
    if session is None:
        return None
    user = session.user
    user.membership_is_active = session.membership_is_active
    user.membership_is_admin = session.membership_is_admin
    user.rbac_assigned, user.rbac_codes = session.rbac_assigned, session.rbac_codes
    return user


def session_list_for_user(*, user_id: UUID, include_inactive: bool, now: datetime) -> list[UserSession]:
    sessions = UserSession.objects.filter(user_id=user_id)
    if not include_inactive:
        sessions = sessions.filter(
            revoked_at__isnull=True, idle_expires_at__gt=now, absolute_expires_at__gt=now
        )
    return list(sessions.order_by("-created_at")[:200])


def session_get_for_user(*, user_id: UUID, session_id: UUID) -> UserSession | None:
    """The caller's session, or None: another user's session id looks exactly like an unknown one."""
    return UserSession.objects.filter(pk=session_id, user_id=user_id).first()
