"""Every call from the site into identity (sign-in, MFA, passwords, sessions, API keys, members, GDPR).

One thin module, so that the site follows the identity services when they change shape: views call these
functions with the request's `Principal` (rbac.principal, credential WEB_SESSION) and typed values, never
the services themselves. The request stays in the views: the services read the client's address and user
agent from the request context (shared_apps.core.context), as the audit log does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from shared_apps.accounts.models import Membership
from shared_apps.accounts.registration import self_register
from shared_apps.accounts.selectors import member_get, member_list
from shared_apps.accounts.services import member_create, user_profile_update
from shared_apps.authn import password_reset
from shared_apps.authn.passwords import password_change
from shared_apps.authn.principal_read import principal_for_token
from shared_apps.authn.services import LoginFailed, auth_login, auth_login_mfa, auth_logout
from shared_apps.core.context import request_context
from shared_apps.core.exceptions import PermissionDenied
from shared_apps.gdpr.selectors import gdpr_export
from shared_apps.members.services import member_set_active
from shared_apps.mfa import services as mfa
from shared_apps.mfa.selectors import mfa_setup_pending, mfa_status
from shared_apps.mfa.stepup import require_recent_auth
from shared_apps.ratelimit.keys import account_scope, ip_scope
from shared_apps.ratelimit.services import RateLimit, enforce
from shared_apps.rbac.enums import API_KEY_SCOPES, PermissionCode
from shared_apps.rbac.permissions import access_refusal
from shared_apps.rbac.principal import CredentialKind, MfaState, Principal, principal_bind, principal_build
from shared_apps.tenants.models import Tenant
from tenant_apps.apikeys.models import ApiKey
from tenant_apps.apikeys.selectors import api_key_get, api_key_list
from tenant_apps.apikeys.services import NewKey, api_key_create, api_key_revoke
from tenant_apps.sessions.enums import RevokeReason
from tenant_apps.sessions.models import UserSession
from tenant_apps.sessions.selectors import session_for_web_secret, session_list_for_user
from tenant_apps.sessions.services import session_touch, sessions_revoke

# The same limits as the API's forms of these actions (shared_apps.accounts.apis, shared_apps.authn.apis).
RESET_PER_IP = RateLimit(name="password-reset:ip", limit=10, window_seconds=3600)
RESET_PER_ACCOUNT = RateLimit(name="password-reset:account", limit=3, window_seconds=3600)
REGISTER_PER_IP = RateLimit(name="register:ip", limit=10, window_seconds=3600)
CHANGE_PASSWORD_PER_USER = RateLimit(name="change-password:user", limit=5, window_seconds=900)
EXPORT_PER_USER = RateLimit(name="gdpr-export:user", limit=10, window_seconds=3600)
KEY_SCOPES = sorted(API_KEY_SCOPES)


@dataclass(frozen=True)
class OpenedSession:
    """A signed-in session: the cookie's secret (a refresh token of the session) and its end."""

    secret: str
    expires_at: datetime


@dataclass(frozen=True)
class SignIn:
    session: OpenedSession | None = None
    mfa_token: str | None = None


def principal_for_cookie(*, tenant: Tenant, secret: str) -> Principal | None:
    """The principal of a sign-in cookie at this tenant, bound to the request context, or None (unknown,
    ended or expired session, inactive person, no longer a member: the cookie of another tenant finds no
    session in this schema)."""
    now = timezone.now()
    session = session_for_web_secret(secret=secret, now=now)
    if session is None:
        return None
    facts = principal_for_token(
        tenant=tenant, user_id=session.user_id, session_id=session.pk, now=now, session_checked=True
    )
    if facts is None or facts.membership is None or not facts.membership.active:
        return None
    session_touch(tenant=tenant, session=session, now=now)
    pending = mfa_setup_pending(tenant=tenant, user=facts.user, auth_methods=session.auth_methods)
    principal = principal_build(
        user=facts.user,
        tenant=tenant,
        membership=facts.membership,
        live_role_codes=facts.live_role_codes,
        mfa=MfaState(enabled=facts.has_mfa, setup_pending=pending),
        auth_time=session.created_at,
        credential=CredentialKind.WEB_SESSION,
        session_id=session.pk,
    )
    principal_bind(principal)
    return principal


def refusal(principal: Principal, permission: str | None) -> str | None:
    """Why the principal may not open a page needing `permission` (rbac's rule), or None."""
    return access_refusal(principal, permission)


def can(principal: Principal, code: str) -> bool:
    return code in principal.permissions


def _opened(pair: Any) -> OpenedSession:
    session = UserSession.objects.only("absolute_expires_at").get(pk=pair.session_id)
    return OpenedSession(secret=pair.refresh_token, expires_at=session.absolute_expires_at)


# --- signing in and out ------------------------------------------------------------------------------------


def sign_in(*, tenant: Tenant, email: str, password: str, captcha: str) -> SignIn:
    """The API login's service, limits and escalation; LoginFailed carries the CAPTCHA when one is due."""
    result = auth_login(tenant=tenant, email=email, password=password, captcha_token=captcha or None)
    if result.tokens is None:
        return SignIn(mfa_token=result.mfa_session_token)
    return SignIn(session=_opened(result.tokens))


def sign_in_second_factor(*, tenant: Tenant, mfa_token: str, code: str, recovery: bool) -> OpenedSession:
    pair = auth_login_mfa(
        tenant=tenant, mfa_session_token=mfa_token, code=code, kind="recovery" if recovery else "totp"
    )
    return _opened(pair)


def sign_out(*, principal: Principal) -> None:
    auth_logout(principal=principal, refresh_token=None, session_id=principal.session_id, all_sessions=False)


def signup_open(tenant: Tenant) -> bool:
    return tenant.setting("allow_self_signup") is True


def _ip() -> str:
    return request_context().ip


def register(*, tenant: Tenant, email: str, password: str, first_name: str, last_name: str) -> None:
    if not signup_open(tenant):
        raise PermissionDenied("L'inscription libre n'est pas ouverte ici.", code="self_signup_disabled")
    enforce(REGISTER_PER_IP, ip_scope(tenant_id=tenant.pk, ip=_ip()))
    self_register(tenant=tenant, email=email, password=password, first_name=first_name, last_name=last_name)


# --- password reset ----------------------------------------------------------------------------------------


def reset_request(*, tenant: Tenant, email: str) -> None:
    enforce(RESET_PER_IP, ip_scope(tenant_id=tenant.pk, ip=_ip()))
    enforce(RESET_PER_ACCOUNT, account_scope(tenant_id=tenant.pk, account=email.strip().lower()))
    password_reset.password_reset_request(tenant=tenant, email=email)


def reset_token_valid(*, tenant: Tenant, token: str) -> bool:
    return password_reset.password_reset_validate(tenant=tenant, token=token).valid


def reset_confirm(*, tenant: Tenant, token: str, new_password: str) -> None:
    password_reset.password_reset_confirm(tenant=tenant, token=token, new_password=new_password)


# --- the account -------------------------------------------------------------------------------------------


def profile_update(*, principal: Principal, fields: dict[str, str]) -> None:
    user_profile_update(tenant=principal.tenant, user=principal.user, data=fields)


def password_update(*, principal: Principal, current: str, new: str, code: str) -> int:
    """Change the password; every other session ends, this one stays. The number of sessions ended."""
    enforce(CHANGE_PASSWORD_PER_USER, str(principal.user.pk))
    require_recent_auth(principal, code=code or None)
    return password_change(
        tenant=principal.tenant,
        user=principal.user,
        current_password=current,
        new_password=new,
        session_id=principal.session_id,
    )


def mfa_state(principal: Principal) -> dict[str, Any]:
    return mfa_status(user=principal.user)


def mfa_begin(*, principal: Principal) -> mfa.SetupResult:
    require_recent_auth(principal, code=None)
    return mfa.mfa_setup(user=principal.user, tenant=principal.tenant)


def mfa_confirm(*, principal: Principal, code: str) -> list[str]:
    return mfa.mfa_enable(user=principal.user, tenant=principal.tenant, code=code)


def mfa_turn_off(*, principal: Principal, code: str, password: str) -> None:
    mfa.mfa_disable(user=principal.user, tenant=principal.tenant, code=code, password=password)


def recovery_codes_renew(*, principal: Principal, code: str) -> list[str]:
    return mfa.mfa_recovery_regenerate(user=principal.user, tenant=principal.tenant, code=code)


def sessions_of(principal: Principal) -> list[UserSession]:
    return session_list_for_user(user_id=principal.user.pk, include_inactive=False, now=timezone.now())


def session_end(*, principal: Principal, session_id: UUID) -> int:
    """End one of the caller's sessions (another person's id ends nothing)."""
    return sessions_revoke(
        user_id=principal.user.pk, reason=RevokeReason.TERMINATED, session_ids=[session_id]
    )


def sessions_end_others(*, principal: Principal) -> int:
    return sessions_revoke(
        user_id=principal.user.pk, reason=RevokeReason.TERMINATED, except_session_id=principal.session_id
    )


def api_keys_of(principal: Principal) -> list[ApiKey]:
    keys = api_key_list(
        user_id=principal.user.pk, all_of_tenant=False, include_revoked=False, now=timezone.now()
    )
    return list(keys[:100])


def api_key_new(*, principal: Principal, name: str, scopes: list[str], code: str) -> NewKey:
    require_recent_auth(principal, code=code or None)
    return api_key_create(
        tenant=principal.tenant,
        user=principal.user,
        name=name,
        scopes=scopes,
        held=principal.permissions,
        expires_at=None,
    )


def api_key_end(*, principal: Principal, key_id: UUID) -> None:
    key = api_key_get(key_id=key_id, user_id=principal.user.pk, all_of_tenant=False)
    api_key_revoke(tenant=principal.tenant, key=key, actor=principal.user)


def personal_data(principal: Principal) -> dict[str, Any]:
    enforce(EXPORT_PER_USER, str(principal.user.pk))
    return gdpr_export(user=principal.user, tenant=None)


# --- the team ----------------------------------------------------------------------------------------------


def members_of(principal: Principal) -> tuple[list[Membership], int]:
    return member_list(tenant=principal.tenant, skip=0, limit=200)


def member_activate(*, principal: Principal, user_id: UUID, active: bool) -> None:
    membership = member_get(tenant=principal.tenant, user_id=user_id)
    member_set_active(tenant=principal.tenant, membership=membership, actor=principal.user, is_active=active)


def member_invite(*, principal: Principal, email: str, first_name: str, last_name: str, admin: bool) -> None:
    """A member without a password, who gets the reset mail to choose one: an invitation."""
    if admin and not can(principal, PermissionCode.USERS_ADMIN):
        raise PermissionDenied("Il faut la permission users:admin pour cela.")
    membership = member_create(
        tenant=principal.tenant,
        email=email,
        password=None,
        first_name=first_name,
        last_name=last_name,
        is_admin=admin,
        actor=principal.user,
    )
    inviter = principal.user.get_full_name() or principal.user.email
    password_reset.password_reset_request(
        tenant=principal.tenant, email=membership.user.email, invited_by=inviter
    )


def cookie_secure() -> bool:
    return bool(settings.WEB_SESSION_COOKIE_SECURE)


__all__ = ["LoginFailed", "Principal"]
