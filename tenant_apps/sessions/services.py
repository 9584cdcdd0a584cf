"""Session writes: start, refresh with rotation and reuse detection, revocation.

Every function works in the schema of the tenant the connection is set to (the routed tenant), except
`sessions_revoke_everywhere`, which visits each tenant the user belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import Membership, User
from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import NotAuthenticated
from shared_apps.tenants.models import Tenant

from . import revocation
from .enums import RevokeReason
from .models import MfaChallenge, RefreshToken, UserSession
from .tokens import opaque_secret, secret_digest
from .useragent import parse_user_agent

INVALID_REFRESH = "Le jeton de rafraîchissement est invalide ou expiré."


@dataclass(frozen=True)
class SessionTokens:
    session: UserSession
    refresh_token: str


def _shorter(default: int, value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < default:
        return value
    return default


def session_timeouts(*, tenant: Tenant) -> tuple[int, int]:
    """(idle, absolute) in seconds: the platform's, shortened by the tenant's settings, never lengthened."""
    idle = _shorter(
        int(settings.SESSION_IDLE_TIMEOUT_SECONDS), tenant.setting("session_idle_timeout_seconds")
    )
    absolute = _shorter(
        int(settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS), tenant.setting("session_absolute_timeout_seconds")
    )
    return min(idle, absolute), absolute


def _new_refresh(session: UserSession) -> tuple[RefreshToken, str]:
    secret = opaque_secret()
    return RefreshToken.objects.create(session=session, token_hash=secret_digest(secret)), secret


@transaction.atomic
def session_start(
    *,
    tenant: Tenant,
    user: User,
    ip: str | None,
    user_agent: str,
    auth_methods: list[str],
    now: datetime | None = None,
) -> SessionTokens:
    now = now or timezone.now()
    idle, absolute = session_timeouts(tenant=tenant)
    device = parse_user_agent(user_agent)
    session = UserSession.objects.create(
        user=user,
        last_seen_at=now,
        idle_expires_at=now + timedelta(seconds=idle),
        absolute_expires_at=now + timedelta(seconds=absolute),
        ip=ip or None,
        user_agent=user_agent[:512],
        device_type=device.device_type,
        browser=device.browser,
        os=device.os,
        auth_methods=auth_methods,
    )
    _, secret = _new_refresh(session)
    return SessionTokens(session=session, refresh_token=secret)


def token_refresh(*, tenant: Tenant, refresh_token: str, now: datetime | None = None) -> SessionTokens:
    """Rotate: the presented token becomes used and a successor is issued, or the family dies.

    The row lock (SELECT … FOR UPDATE) makes two concurrent refreshes of one token queue up: the first
    rotates, the second then finds the token used, which is reuse. Reuse revokes the session in its own
    committed transaction and only then fails, so the revocation and its audit row are never rolled back.
    """
    now = now or timezone.now()
    reused: RefreshToken | None = None
    with transaction.atomic():
        token = (
            RefreshToken.objects.select_for_update(of=("self",))
            .select_related("session", "session__user")
            .filter(token_hash=secret_digest(refresh_token))
            .first()
        )
        if token is None:
            raise NotAuthenticated(INVALID_REFRESH, code="invalid_refresh_token")
        session = token.session
        if token.used_at is not None:
            reused = token
        elif not session.is_alive(now) or not _member_alive(tenant=tenant, user=session.user):
            raise NotAuthenticated(INVALID_REFRESH, code="invalid_refresh_token")
        else:
            successor, secret = _new_refresh(session)
            token.used_at = now
            token.replaced_by = successor
            token.save(update_fields=["used_at", "replaced_by"])
            idle, _ = session_timeouts(tenant=tenant)
            # Sliding: the idle deadline moves, the absolute one never does.
            session.last_seen_at = now
            session.idle_expires_at = min(now + timedelta(seconds=idle), session.absolute_expires_at)
            session.save(update_fields=["last_seen_at", "idle_expires_at"])
            return SessionTokens(session=session, refresh_token=secret)
    _family_revoke_for_reuse(tenant=tenant, token=reused, now=now)
    raise NotAuthenticated(INVALID_REFRESH, code="invalid_refresh_token")


def _member_alive(*, tenant: Tenant, user: User) -> bool:
    return user.is_active and Membership.objects.filter(user=user, tenant=tenant, is_active=True).exists()


@transaction.atomic
def _family_revoke_for_reuse(*, tenant: Tenant, token: RefreshToken, now: datetime) -> None:
    session = UserSession.objects.select_for_update().get(pk=token.session_id)
    was_alive = session.revoked_at is None
    _revoke([session.pk], reason=RevokeReason.TOKEN_REUSE, now=now)
    audit_record(
        event_type=EventType.TOKEN_REUSE_DETECTED,
        tenant=tenant,
        user=session.user,
        success=False,
        details={"session_id": str(session.pk), "refresh_token_id": token.pk, "session_was_alive": was_alive},
    )


def _revoke(session_ids: Iterable[UUID], *, reason: str, now: datetime) -> int:
    ids = list(session_ids)
    if not ids:
        return 0
    count = UserSession.objects.filter(pk__in=ids, revoked_at__isnull=True).update(
        revoked_at=now, revoke_reason=reason
    )
    # Every token of the family dies with its session, unused ones included.
    RefreshToken.objects.filter(session_id__in=ids, used_at__isnull=True).update(used_at=now)
    schema_name = connection.schema_name  # type: ignore[attr-defined]
    revocation.mark_revoked(schema_name=schema_name, session_ids=ids)
    return count


@transaction.atomic
def sessions_revoke(
    *,
    user_id: UUID,
    reason: str,
    session_ids: Iterable[UUID] | None = None,
    except_session_id: UUID | None = None,
    now: datetime | None = None,
) -> int:
    """Revoke the user's live sessions in this tenant (all, or those listed); the number revoked."""
    now = now or timezone.now()
    sessions = UserSession.objects.filter(user_id=user_id, revoked_at__isnull=True)
    if session_ids is not None:
        sessions = sessions.filter(pk__in=list(session_ids))
    if except_session_id is not None:
        sessions = sessions.exclude(pk=except_session_id)
    return _revoke(sessions.values_list("pk", flat=True), reason=reason, now=now)


def session_id_for_refresh_token(*, user_id: UUID, refresh_token: str) -> UUID | None:
    return (
        RefreshToken.objects.filter(token_hash=secret_digest(refresh_token), session__user_id=user_id)
        .values_list("session_id", flat=True)
        .first()
    )


def sessions_revoke_everywhere(
    *, user: User, reason: str, except_session_id: UUID | None = None, now: datetime | None = None
) -> int:
    """Revoke the user's sessions at every tenant they belong to (a password is the same everywhere).

    `except_session_id` spares the caller's own session, which lives in the current tenant's schema.
    """
    now = now or timezone.now()
    current = connection.schema_name  # type: ignore[attr-defined]
    total = 0
    tenants = Tenant.objects.filter(memberships__user=user).only("schema_name").distinct()
    for tenant in tenants:
        with schema_context(tenant.schema_name):
            spare = except_session_id if tenant.schema_name == current else None
            total += sessions_revoke(user_id=user.pk, reason=reason, except_session_id=spare, now=now)
    return total


def mfa_challenge_issue(
    *, user: User, ip: str | None, user_agent: str, now: datetime | None = None
) -> tuple[str, int]:
    """A single-use `mfa_session_token` (stored hashed in this tenant) and its lifetime in seconds."""
    now = now or timezone.now()
    lifetime = int(settings.MFA_SESSION_TOKEN_LIFETIME_SECONDS)
    secret = opaque_secret()
    MfaChallenge.objects.create(
        user=user,
        token_hash=secret_digest(secret),
        expires_at=now + timedelta(seconds=lifetime),
        ip=ip or None,
        user_agent=user_agent[:512],
    )
    return secret, lifetime


def mfa_challenge_consume(*, token: str, now: datetime | None = None) -> User | None:
    """The user the challenge was issued to, once: the conditional UPDATE lets a single caller through."""
    now = now or timezone.now()
    row = (
        MfaChallenge.objects.filter(token_hash=secret_digest(token), used_at__isnull=True, expires_at__gt=now)
        .values_list("pk", "user_id")
        .first()
    )
    if row is None or MfaChallenge.objects.filter(pk=row[0], used_at__isnull=True).update(used_at=now) != 1:
        return None
    return User.objects.filter(pk=row[1], is_active=True).first()


def sessions_purge_for_user(*, user: User) -> None:
    """Delete the user's sessions, refresh tokens and MFA challenges at every tenant (before deleting the
    user: these tables live in the tenant schemas, out of reach of Django's cascade)."""
    for schema_name in Tenant.objects.values_list("schema_name", flat=True):
        with schema_context(schema_name):
            UserSession.objects.filter(user=user).delete()
            MfaChallenge.objects.filter(user=user).delete()


# --- The second-factor step keeps the challenge until it succeeds, the factor locks or it expires ---


def mfa_challenge_peek(*, token: str, now: datetime | None = None) -> User | None:
    """The active user of a live, unused challenge, without using it up (a mistyped code may be retried;
    the limiter and the MFA lockout bound the retries, and a lock ends every challenge of the user)."""
    now = now or timezone.now()
    user_id = (
        MfaChallenge.objects.filter(token_hash=secret_digest(token), used_at__isnull=True, expires_at__gt=now)
        .values_list("user_id", flat=True)
        .first()
    )
    if user_id is None:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def mfa_challenges_end_everywhere(*, user: User, now: datetime | None = None) -> int:
    """Use up every open challenge of the user at every tenant they belong to: the login must restart."""
    now = now or timezone.now()
    ended = 0
    tenants = Tenant.objects.filter(memberships__user=user).only("schema_name").distinct()
    for tenant in tenants:
        with schema_context(tenant.schema_name):
            ended += MfaChallenge.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    return ended


def session_touch(*, tenant: Tenant, session: UserSession, now: datetime | None = None) -> None:
    """Slide the idle deadline of a session in use (the site's cookie has no refresh to do it), at most
    once per WEB_SESSION_TOUCH_SECONDS; the absolute deadline never moves."""
    now = now or timezone.now()
    if (now - session.last_seen_at).total_seconds() < int(settings.WEB_SESSION_TOUCH_SECONDS):
        return
    idle, _ = session_timeouts(tenant=tenant)
    session.last_seen_at = now
    session.idle_expires_at = min(now + timedelta(seconds=idle), session.absolute_expires_at)
    UserSession.objects.filter(pk=session.pk, revoked_at__isnull=True).update(
        last_seen_at=session.last_seen_at, idle_expires_at=session.idle_expires_at
    )
