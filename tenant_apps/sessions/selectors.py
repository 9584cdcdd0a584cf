"""Reads of sessions: the caller's own sessions, and this table's part of the per-request principal
statement (shared_apps.authn.principal_read)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db import connection

from .models import UserSession
from .tokens import secret_digest

# The tenant's session table (on the search_path) and what makes a session of it live: the principal
# statement joins it when Redis cannot answer for the session. Parameters: session_id, user_id, now.
LIVE_SESSION_TABLE = f"{connection.ops.quote_name(UserSession._meta.db_table)} s"
LIVE_SESSION_CONDITION = """s.id = %(session_id)s AND s.user_id = %(user_id)s AND s.revoked_at IS NULL
  AND s.idle_expires_at > %(now)s AND s.absolute_expires_at > %(now)s"""


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


def session_for_web_secret(*, secret: str, now: datetime) -> UserSession | None:
    """The live session whose sign-in cookie holds `secret` (the refresh token opened with it, never
    rotated by the site), or None. A revoked session has used up its tokens (services), so a cookie dies
    with its session however it was ended."""
    return (
        UserSession.objects.filter(
            refresh_tokens__token_hash=secret_digest(secret),
            refresh_tokens__used_at__isnull=True,
            revoked_at__isnull=True,
            idle_expires_at__gt=now,
            absolute_expires_at__gt=now,
        )
        .only(
            "id",
            "user_id",
            "created_at",
            "last_seen_at",
            "idle_expires_at",
            "absolute_expires_at",
            "auth_methods",
        )
        .first()
    )


def session_live_until(*, session_id: UUID, user_id: UUID, now: datetime) -> datetime | None:
    """When the live session ends at the latest (its idle or absolute deadline), or None if it is not live:
    what Redis may then remember (revocation.mark_alive)."""
    row = (
        UserSession.objects.filter(
            pk=session_id,
            user_id=user_id,
            revoked_at__isnull=True,
            idle_expires_at__gt=now,
            absolute_expires_at__gt=now,
        )
        .values_list("idle_expires_at", "absolute_expires_at")
        .first()
    )
    return None if row is None else min(row)
