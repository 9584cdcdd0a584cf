"""Login at a tenant, token refresh and logout.

A failed login answers one way whatever went wrong (unknown email, wrong password, inactive account, no
membership here, a lock in force), in about the same time: an unknown account is checked against a dummy
hash and a locked one is not evaluated but spends the same time. Escalation follows the lockout policy of
shared_apps.ratelimit (CAPTCHA → delay → lock → alert), keyed by the email *tried* at this tenant, so that
the escalation itself does not tell whether the account exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shared_apps.accounts import principal_cache
from shared_apps.accounts.managers import normalize_email
from shared_apps.accounts.models import Membership, User
from shared_apps.accounts.services import password_dummy_check, user_check_password
from shared_apps.audit.models import EventType, Factor
from shared_apps.audit.services import audit_record
from shared_apps.captcha.services import challenge_issue
from shared_apps.captcha.services import verify as captcha_verify
from shared_apps.core.context import request_context
from shared_apps.core.exceptions import NotAuthenticated, NotFound
from shared_apps.core.mail import mail_enqueue
from shared_apps.mfa.selectors import mfa_setup_pending, user_has_mfa
from shared_apps.mfa.services import CodeKind, MfaLoginFailed, mfa_code_check, mfa_locked
from shared_apps.ratelimit.keys import account_scope, global_ip_scope, ip_scope
from shared_apps.ratelimit.lockout import LockState, failure_clear, failure_register, lock_state
from shared_apps.ratelimit.services import RateLimit, enforce
from shared_apps.rbac.principal import Principal
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions.enums import RevokeReason
from tenant_apps.sessions.services import (
    SessionTokens,
    mfa_challenge_consume,
    mfa_challenge_issue,
    mfa_challenge_peek,
    session_id_for_refresh_token,
    session_start,
    sessions_revoke,
    token_refresh,
)
from tenant_apps.sessions.tokens import SCOPE_MFA_SETUP, access_token_encode

logger = logging.getLogger(__name__)

BAD_CREDENTIALS = "E-mail ou mot de passe invalide."


class LoginFailed(NotAuthenticated):
    default_code = "invalid_credentials"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session_id: Any


@dataclass(frozen=True)
class LoginResult:
    tokens: TokenPair | None = None
    mfa_session_token: str | None = None
    mfa_expires_in: int = 0


def _limits() -> tuple[RateLimit, RateLimit, RateLimit]:
    window = int(settings.LOGIN_RATE_LIMIT_WINDOW_SECONDS)
    return (
        RateLimit(
            name="login:account", limit=int(settings.LOGIN_RATE_LIMIT_PER_ACCOUNT), window_seconds=window
        ),
        RateLimit(name="login:ip", limit=int(settings.LOGIN_RATE_LIMIT_PER_IP), window_seconds=window),
        RateLimit(
            name="login:global-ip", limit=int(settings.LOGIN_RATE_LIMIT_GLOBAL_PER_IP), window_seconds=window
        ),
    )


def _failure(state: LockState | None) -> LoginFailed:
    details: dict[str, Any] = {"captcha_required": bool(state and state.captcha_required)}
    if details["captcha_required"]:
        challenge = challenge_issue()
        details.update(captcha_site_key=challenge["site_key"], captcha=challenge)
    return LoginFailed(BAD_CREDENTIALS, details=details)


def _issue(*, tenant: Tenant, started: SessionTokens, now: datetime) -> TokenPair:
    # Decided at every issue (login and refresh), so a refresh cannot shed the MFA set-up restriction.
    session = started.session
    restricted = mfa_setup_pending(tenant=tenant, user=session.user, auth_methods=session.auth_methods)
    access, expires_in = access_token_encode(
        user_id=session.user_id,
        tenant=tenant.slug,
        session_id=session.pk,
        auth_time=session.created_at or now,
        not_after=min(session.idle_expires_at, session.absolute_expires_at),
        now=now,
        scope=SCOPE_MFA_SETUP if restricted else None,
    )
    return TokenPair(
        access_token=access, refresh_token=started.refresh_token, expires_in=expires_in, session_id=session.pk
    )


def _member(tenant: Tenant, user: User | None) -> bool:
    if user is None or not user.is_active:
        return False
    return Membership.objects.filter(user=user, tenant=tenant, is_active=True).exists()


def auth_login(*, tenant: Tenant, email: str, password: str, captcha_token: str | None) -> LoginResult:
    email = normalize_email(email)
    ip = request_context().ip
    scope = account_scope(tenant_id=tenant.pk, account=email)
    guarded = bool(settings.RATELIMIT_ENABLED)
    if guarded:
        per_account, per_ip, global_ip = _limits()
        enforce(global_ip, global_ip_scope(ip=ip))
        enforce(per_ip, ip_scope(tenant_id=tenant.pk, ip=ip))
        enforce(per_account, scope)
    state = lock_state(scope) if guarded else None
    user = User.objects.filter(email__lower=email).first()

    if state is not None and (
        state.blocked or (state.captcha_required and not _captcha_ok(captcha_token, ip))
    ):
        # Not evaluated, yet as slow as an evaluation; the same answer as a wrong password.
        password_dummy_check(password)
        _record_failure(tenant=tenant, user=user, email=email, reason="throttled")
        raise _failure(state)

    valid = user_check_password(user=user, password=password) if user else _dummy(password)
    if not (valid and _member(tenant, user)):
        new_state = failure_register(scope) if guarded else None
        _record_failure(tenant=tenant, user=user, email=email, reason="credentials")
        if new_state is not None and new_state.lock_started:
            _alert_lock(tenant=tenant, user=user, email=email, state=new_state)
        raise _failure(new_state)

    assert user is not None
    if guarded:
        failure_clear(scope)
    if user_has_mfa(user):
        token, lifetime = mfa_challenge_issue(user=user, ip=ip, user_agent=request_context().user_agent)
        return LoginResult(mfa_session_token=token, mfa_expires_in=lifetime)
    return LoginResult(tokens=login_complete(tenant=tenant, user=user, factor=Factor.PASSWORD))


def _dummy(password: str) -> bool:
    password_dummy_check(password)
    return False


def _captcha_ok(token: str | None, ip: str) -> bool:
    return bool(token) and captcha_verify(str(token), remote_ip=ip or None)


def _record_failure(*, tenant: Tenant, user: User | None, email: str, reason: str) -> None:
    audit_record(
        event_type=EventType.LOGIN_FAILED,
        tenant=tenant,
        user=user,
        email=email,
        success=False,
        factor=Factor.PASSWORD,
        details={"reason": reason},
    )


def _alert_lock(*, tenant: Tenant, user: User | None, email: str, state: LockState) -> None:
    """Audit the lock, and tell the account's owner (if the account exists) once the row is committed."""
    with transaction.atomic():
        audit_record(
            event_type=EventType.ACCOUNT_LOCKED,
            tenant=tenant,
            user=user,
            email=email,
            success=False,
            details={"lock_seconds": state.retry_after, "lock_count": state.lock_count},
        )
        if user is not None:
            address, name, minutes = user.email, tenant.name, max(1, state.retry_after // 60)
            transaction.on_commit(lambda: _mail_lock(address=address, tenant_name=name, minutes=minutes))


def _mail_lock(*, address: str, tenant_name: str, minutes: int) -> None:
    mail_enqueue(
        subject=f"{tenant_name} : connexion suspendue après des échecs",
        message=(
            f"Plusieurs tentatives de connexion à votre compte {tenant_name} ont échoué : la connexion est "
            f"suspendue pendant environ {minutes} minutes.\n\n"
            "Si ce n'était pas vous, pensez à changer votre mot de passe."
        ),
        to=[address],
    )


@transaction.atomic
def login_complete(*, tenant: Tenant, user: User, factor: str) -> TokenPair:
    """Open the session after every factor passed (the second-factor step and OAuth call this too)."""
    now = timezone.now()
    context = request_context()
    started = session_start(
        tenant=tenant,
        user=user,
        ip=context.ip or None,
        user_agent=context.user_agent,
        auth_methods=[str(factor)],
        now=now,
    )
    User.objects.filter(pk=user.pk).update(last_login_at=now)
    principal_cache.forget_user(user.pk)  # last_login_at is part of a cached principal
    audit_record(
        event_type=EventType.LOGIN_SUCCEEDED,
        tenant=tenant,
        user=user,
        factor=factor,
        details={"session_id": str(started.session.pk)},
    )
    return _issue(tenant=tenant, started=started, now=now)


def auth_refresh(*, tenant: Tenant, refresh_token: str) -> TokenPair:
    now = timezone.now()
    rotated = token_refresh(tenant=tenant, refresh_token=refresh_token, now=now)
    return _issue(tenant=tenant, started=rotated, now=now)


@transaction.atomic
def auth_logout(
    *, principal: Principal, refresh_token: str | None, session_id: UUID | None, all_sessions: bool
) -> int:
    """End the current session, or the one named (by id or refresh token), or all of the caller's."""
    tenant, user = principal.tenant, principal.user
    if all_sessions:
        count = sessions_revoke(user_id=user.pk, reason=RevokeReason.LOGOUT_ALL)
    else:
        target = session_id or principal.session_id
        if refresh_token:
            target = session_id_for_refresh_token(user_id=user.pk, refresh_token=refresh_token)
            if target is None:
                raise NotFound("Session introuvable.", code="session_not_found")
        targets = [] if target is None else [target]
        count = sessions_revoke(user_id=user.pk, reason=RevokeReason.LOGOUT, session_ids=targets)
    audit_record(
        event_type=EventType.LOGOUT,
        tenant=tenant,
        user=user,
        details={"all_sessions": all_sessions, "sessions_revoked": count},
    )
    return count


def auth_login_mfa(*, tenant: Tenant, mfa_session_token: str, code: str, kind: CodeKind) -> TokenPair:
    """The second step of a login that `auth_login` paused with `mfa_required`."""
    invalid = NotAuthenticated(
        "The MFA session is invalid or expired; log in again.", code="invalid_mfa_session"
    )
    user = mfa_challenge_peek(token=mfa_session_token)
    if user is None or not _member(tenant, user):
        raise invalid
    check = mfa_code_check(user=user, code=code, kind=kind, tenant=tenant)
    if check.locked:
        raise mfa_locked(check.retry_after)
    if not check.ok:
        raise MfaLoginFailed("Le code n'est pas valide.")
    with transaction.atomic():
        if mfa_challenge_consume(token=mfa_session_token) is None:
            raise invalid
        return login_complete(tenant=tenant, user=user, factor=check.factor)
