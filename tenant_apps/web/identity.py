"""Every call from the site into identity (sign-in, MFA, passwords, sessions, API keys, members, GDPR).

One thin module, so that the site follows the identity services when they change shape: views call these
functions with the request's principal and typed values, never the services themselves. The services
still read the request for the audit trail (IP, user agent), so the request goes along where they ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from shared_apps.accounts import password_reset
from shared_apps.accounts.models import Membership, User
from shared_apps.accounts.registration import self_register
from shared_apps.accounts.selectors import member_get, member_list
from shared_apps.accounts.services import (
    member_create,
    member_set_active,
    password_change,
    user_profile_update,
)
from shared_apps.authn.mfa import mfa_setup_pending
from shared_apps.authn.services import LoginFailed, auth_login, auth_logout
from shared_apps.authn.tenant_side import RevokeReason
from shared_apps.authn.tokens import AccessClaims
from shared_apps.core.exceptions import PermissionDenied
from shared_apps.core.net import client_ip
from shared_apps.gdpr.selectors import gdpr_export
from shared_apps.mfa import services as mfa
from shared_apps.mfa.selectors import mfa_status, user_has_mfa
from shared_apps.mfa.stepup import require_recent_auth
from shared_apps.ratelimit.keys import account_scope, ip_scope
from shared_apps.ratelimit.services import RateLimit, enforce
from shared_apps.rbac.enums import API_KEY_SCOPES, PermissionCode
from shared_apps.rbac.permissions import is_platform_staff
from shared_apps.rbac.selectors import codes_combine
from shared_apps.tenants.models import Tenant
from tenant_apps.apikeys.models import ApiKey
from tenant_apps.apikeys.selectors import api_key_get, api_key_list
from tenant_apps.apikeys.services import NewKey, api_key_create, api_key_revoke
from tenant_apps.sessions.models import UserSession
from tenant_apps.sessions.selectors import principal_for_token, session_for_web_secret, session_list_for_user
from tenant_apps.sessions.services import session_touch, sessions_revoke

# The same limits as the API's forms of these actions (shared_apps.accounts.apis, shared_apps.authn.apis).
RESET_PER_IP = RateLimit(name="password-reset:ip", limit=10, window_seconds=3600)
RESET_PER_ACCOUNT = RateLimit(name="password-reset:account", limit=3, window_seconds=3600)
REGISTER_PER_IP = RateLimit(name="register:ip", limit=10, window_seconds=3600)
CHANGE_PASSWORD_PER_USER = RateLimit(name="change-password:user", limit=5, window_seconds=900)
EXPORT_PER_USER = RateLimit(name="gdpr-export:user", limit=10, window_seconds=3600)
KEY_SCOPES = sorted(API_KEY_SCOPES)


@dataclass(frozen=True)
class WebPrincipal:
    """Who is signed in on this request, at which tenant, through which session, allowed to do what."""

    user: User
    tenant: Tenant
    session_id: UUID
    auth_time: datetime
    expires_at: datetime
    permissions: frozenset[str]
    mfa_setup_pending: bool

    def can(self, code: str) -> bool:
        return code in self.permissions

    @property
    def is_admin(self) -> bool:
        return self.can(PermissionCode.TENANT_ADMIN)


@dataclass(frozen=True)
class OpenedSession:
    """A signed-in session: the cookie's secret (a refresh token of the session) and its end."""

    secret: str
    expires_at: datetime


@dataclass(frozen=True)
class SignIn:
    session: OpenedSession | None = None
    mfa_token: str | None = None


def _permissions(user: User) -> frozenset[str]:
    if is_platform_staff(user):
        return frozenset(PermissionCode.values)
    if not getattr(user, "membership_is_active", False):
        return frozenset()
    return codes_combine(
        assigned=bool(getattr(user, "rbac_assigned", False)),
        codes=getattr(user, "rbac_codes", None) or (),
        is_admin=bool(getattr(user, "membership_is_admin", False)),
    )


def principal_for_cookie(*, tenant: Tenant, secret: str) -> WebPrincipal | None:
    """The principal of a sign-in cookie at this tenant, or None (unknown, ended or expired session,
    inactive person, no longer a member: the cookie of another tenant finds no session in this schema)."""
    now = timezone.now()
    session = session_for_web_secret(secret=secret, now=now)
    if session is None:
        return None
    user = principal_for_token(
        tenant=tenant, user_id=session.user_id, session_id=session.pk, now=now, session_checked=True
    )
    if user is None or not getattr(user, "membership_is_active", False):
        return None
    session_touch(tenant=tenant, session=session, now=now)
    return WebPrincipal(
        user=user,
        tenant=tenant,
        session_id=session.pk,
        auth_time=session.created_at,
        expires_at=session.absolute_expires_at,
        permissions=_permissions(user),
        mfa_setup_pending=mfa_setup_pending(tenant=tenant, user=user, auth_methods=session.auth_methods),
    )


def request_adopt(request: HttpRequest, principal: WebPrincipal) -> None:
    """Present the principal as the identity helpers expect it (request.user, request.auth's claims)."""
    request.user = principal.user
    request.auth = AccessClaims(  # type: ignore[attr-defined]
        user_id=principal.user.pk,
        tenant=principal.tenant.slug,
        session_id=principal.session_id,
        jti="web-session",
        auth_time=int(principal.auth_time.timestamp()),
        expires_at=int(principal.expires_at.timestamp()),
    )


def _opened(pair: Any) -> OpenedSession:
    session = UserSession.objects.only("absolute_expires_at").get(pk=pair.session_id)
    return OpenedSession(secret=pair.refresh_token, expires_at=session.absolute_expires_at)


# --- signing in and out ------------------------------------------------------------------------------------


def sign_in(*, request: HttpRequest, tenant: Tenant, email: str, password: str, captcha: str) -> SignIn:
    """The API login's service, limits and escalation; LoginFailed carries the CAPTCHA when one is due."""
    result = auth_login(
        tenant=tenant, email=email, password=password, captcha_token=captcha or None, request=request
    )
    if result.tokens is None:
        return SignIn(mfa_token=result.mfa_session_token)
    return SignIn(session=_opened(result.tokens))


def sign_in_second_factor(
    *, request: HttpRequest, tenant: Tenant, mfa_token: str, code: str, recovery: bool
) -> OpenedSession:
    pair = mfa.auth_login_mfa(
        tenant=tenant,
        mfa_session_token=mfa_token,
        code=code,
        kind="recovery" if recovery else "totp",
        request=request,
    )
    return _opened(pair)


def sign_out(*, request: HttpRequest, principal: WebPrincipal) -> None:
    auth_logout(
        tenant=principal.tenant,
        user=principal.user,
        claims=request.auth,  # type: ignore[attr-defined]
        refresh_token=None,
        session_id=principal.session_id,
        all_sessions=False,
        request=request,
    )


def register(
    *, request: HttpRequest, tenant: Tenant, email: str, password: str, first_name: str, last_name: str
) -> None:
    if tenant.setting("allow_self_signup") is not True:
        raise PermissionDenied("Self-registration is not open here.", code="self_signup_disabled")
    enforce(REGISTER_PER_IP, ip_scope(tenant_id=tenant.pk, ip=client_ip(request)))
    self_register(
        tenant=tenant,
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        request=request,
    )


def signup_open(tenant: Tenant) -> bool:
    return tenant.setting("allow_self_signup") is True


# --- password reset ----------------------------------------------------------------------------------------


def reset_request(*, request: HttpRequest, tenant: Tenant, email: str) -> None:
    enforce(RESET_PER_IP, ip_scope(tenant_id=tenant.pk, ip=client_ip(request)))
    enforce(RESET_PER_ACCOUNT, account_scope(tenant_id=tenant.pk, account=email.strip().lower()))
    password_reset.password_reset_request(tenant=tenant, email=email, request=request)


def reset_token_valid(*, tenant: Tenant, token: str) -> bool:
    return password_reset.password_reset_validate(tenant=tenant, token=token).valid


def reset_confirm(*, request: HttpRequest, tenant: Tenant, token: str, new_password: str) -> None:
    password_reset.password_reset_confirm(
        tenant=tenant, token=token, new_password=new_password, request=request
    )


# --- the account -------------------------------------------------------------------------------------------


def profile_update(*, request: HttpRequest, principal: WebPrincipal, fields: dict[str, str]) -> None:
    user_profile_update(user=principal.user, data=fields, request=request)


def password_update(
    *, request: HttpRequest, principal: WebPrincipal, current: str, new: str, code: str
) -> int:
    """Change the password; every other session ends, this one stays. The number of sessions ended."""
    enforce(CHANGE_PASSWORD_PER_USER, str(principal.user.pk))
    require_recent_auth(request, code=code or None)
    return password_change(
        tenant=principal.tenant,
        user=principal.user,
        current_password=current,
        new_password=new,
        session_id=principal.session_id,
        request=request,
    )


def mfa_state(principal: WebPrincipal) -> dict[str, Any]:
    return mfa_status(user=principal.user)


def mfa_begin(*, request: HttpRequest, principal: WebPrincipal) -> mfa.SetupResult:
    require_recent_auth(request, code=None)
    return mfa.mfa_setup(user=principal.user, tenant=principal.tenant)


def mfa_confirm(*, request: HttpRequest, principal: WebPrincipal, code: str) -> list[str]:
    return mfa.mfa_enable(user=principal.user, tenant=principal.tenant, code=code, request=request)


def mfa_turn_off(*, request: HttpRequest, principal: WebPrincipal, code: str, password: str) -> None:
    mfa.mfa_disable(
        user=principal.user, tenant=principal.tenant, code=code, password=password, request=request
    )


def recovery_codes_renew(*, request: HttpRequest, principal: WebPrincipal, code: str) -> list[str]:
    return mfa.mfa_recovery_regenerate(
        user=principal.user, tenant=principal.tenant, code=code, request=request
    )


def has_mfa(principal: WebPrincipal) -> bool:
    return user_has_mfa(principal.user)


def sessions_of(principal: WebPrincipal) -> list[UserSession]:
    return session_list_for_user(user_id=principal.user.pk, include_inactive=False, now=timezone.now())


def session_end(*, principal: WebPrincipal, session_id: UUID) -> int:
    """End one of the caller's sessions (another person's id ends nothing)."""
    return sessions_revoke(
        user_id=principal.user.pk, reason=RevokeReason.TERMINATED, session_ids=[session_id]
    )


def sessions_end_others(*, principal: WebPrincipal) -> int:
    return sessions_revoke(
        user_id=principal.user.pk, reason=RevokeReason.TERMINATED, except_session_id=principal.session_id
    )


def api_keys_of(principal: WebPrincipal) -> list[ApiKey]:
    keys = api_key_list(
        user_id=principal.user.pk, all_of_tenant=False, include_revoked=False, now=timezone.now()
    )
    return list(keys[:100])


def api_key_new(
    *, request: HttpRequest, principal: WebPrincipal, name: str, scopes: list[str], code: str
) -> NewKey:
    require_recent_auth(request, code=code or None)
    return api_key_create(
        tenant=principal.tenant,
        user=principal.user,
        name=name,
        scopes=scopes,
        held=principal.permissions,
        expires_at=None,
        request=request,
    )


def api_key_end(*, request: HttpRequest, principal: WebPrincipal, key_id: UUID) -> None:
    key = api_key_get(key_id=key_id, user_id=principal.user.pk, all_of_tenant=False)
    api_key_revoke(tenant=principal.tenant, key=key, actor=principal.user, request=request)


def personal_data(principal: WebPrincipal) -> dict[str, Any]:
    enforce(EXPORT_PER_USER, str(principal.user.pk))
    return gdpr_export(user=principal.user, tenant=None)


# --- the team ----------------------------------------------------------------------------------------------


def members_of(principal: WebPrincipal) -> tuple[list[Membership], int]:
    return member_list(tenant=principal.tenant, skip=0, limit=200)


def member_activate(*, request: HttpRequest, principal: WebPrincipal, user_id: UUID, active: bool) -> None:
    membership = member_get(tenant=principal.tenant, user_id=user_id)
    member_set_active(
        tenant=principal.tenant,
        membership=membership,
        actor=principal.user,
        is_active=active,
        request=request,
    )


def member_invite(
    *, request: HttpRequest, principal: WebPrincipal, email: str, first_name: str, last_name: str, admin: bool
) -> None:
    """A member without a password, who gets the reset mail to choose one: an invitation."""
    if admin and not principal.can(PermissionCode.USERS_ADMIN):
        raise PermissionDenied("This requires the users:admin permission.")
    membership = member_create(
        tenant=principal.tenant,
        email=email,
        password=None,
        first_name=first_name,
        last_name=last_name,
        is_admin=admin,
        actor=principal.user,
        request=request,
    )
    password_reset.password_reset_request(
        tenant=principal.tenant, email=membership.user.email, request=request
    )


def cookie_secure() -> bool:
    return bool(settings.WEB_SESSION_COOKIE_SECURE)


__all__ = ["LoginFailed"]
