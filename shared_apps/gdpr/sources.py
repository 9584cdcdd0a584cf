"""Where personal data lives: one `Source` per kind, with how to export, erase and anonymise it.

Every source is listed here, public and per-tenant alike; a tenant app's data is read and erased by the
functions of its own `gdpr` module (tenant_apps/<app>/gdpr.py), which services call inside each schema.
tests/shared_apps/gdpr/test_completeness.py fails when a model holding personal data (a link to a user, an
e-mail, phone or IP address) is covered by no source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models import Q

from shared_apps.accounts.models import Membership, PasswordResetToken, User
from shared_apps.audit.models import AuditEvent
from shared_apps.mfa.services import mfa_delete_for_user, mfa_export_for_user
from shared_apps.oauth.models import OAuthFlow, OAuthIdentity
from shared_apps.rbac.models import RoleAssignment
from shared_apps.tenants.models import Tenant
from tenant_apps.apikeys.gdpr import api_keys_anonymize, api_keys_erase, api_keys_export
from tenant_apps.sessions.gdpr import (
    mfa_challenges_erase,
    mfa_challenges_export,
    sessions_anonymize,
    sessions_erase,
    sessions_export,
)

Exporter = Callable[[User, Tenant | None], Any]
Eraser = Callable[[User], None]


@dataclass(frozen=True)
class Source:
    """`export(user, tenant)`: tenant None = everything (the person's own export); a tenant = what that
    tenant holds (an administrator's export). Tenant sources (`per_tenant`) are called inside each schema
    and get the tenant whose schema is active."""

    key: str
    category: str
    models: tuple[str, ...]
    fields: tuple[str, ...]
    purpose: str
    retention: str
    legal_basis: str
    export: Exporter
    erase: Eraser
    anonymize: Eraser | None = None
    per_tenant: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _profile(user: User, tenant: Tenant | None) -> dict[str, Any]:
    return {
        "id": str(user.pk),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "is_active": user.is_active,
        "is_verified": user.is_verified,
        "has_password": user.has_usable_password(),
        "password_changed_at": user.password_changed_at,
        "last_login_at": user.last_login_at,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "groups": list(user.groups.values_list("name", flat=True)),
        "user_permissions": list(user.user_permissions.values_list("codename", flat=True)),
    }


def _memberships(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    rows = Membership.objects.filter(user=user).select_related("tenant").order_by("created_at")
    if tenant is not None:
        rows = rows.filter(tenant=tenant)
    return [
        {
            "tenant_id": m.tenant.slug,
            "tenant_name": m.tenant.name,
            "is_active": m.is_active,
            "is_admin": m.is_admin,
            "created_at": m.created_at,
        }
        for m in rows
    ]


def _roles(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    rows = RoleAssignment.objects.filter(Q(membership__user=user) | Q(granted_by=user))
    if tenant is not None:
        rows = rows.filter(membership__tenant=tenant)
    return [
        {
            "tenant_id": a.membership.tenant.slug,
            "role": a.role.slug,
            "held_by_you": a.membership.user_id == user.pk,
            "granted_by_you": a.granted_by_id == user.pk,
            "expires_at": a.expires_at,
            "created_at": a.created_at,
        }
        for a in rows.select_related("role", "membership__tenant").order_by("created_at")
    ]


def _roles_erase(user: User) -> None:
    # Assignments held go with the memberships; grants made by the person lose the link.
    RoleAssignment.objects.filter(granted_by=user).update(granted_by=None)


def _reset_tokens(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    rows = PasswordResetToken.objects.filter(user=user).select_related("tenant")
    if tenant is not None:
        rows = rows.filter(tenant=tenant)
    return [
        {
            "tenant_id": t.tenant.slug,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "used_at": t.used_at,
        }
        for t in rows.order_by("created_at")
    ]


def _mfa(user: User, tenant: Tenant | None) -> dict[str, Any]:
    return mfa_export_for_user(user)


def _audit(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    rows = AuditEvent.objects.filter(Q(user=user) | Q(actor=user)).select_related("tenant")
    if tenant is not None:
        rows = rows.filter(tenant=tenant)
    return [
        {
            "created_at": e.created_at,
            "tenant_id": e.tenant.slug if e.tenant else None,
            "event_type": e.event_type,
            "as": "subject" if e.user_id == user.pk else "actor",
            "email": e.email if e.user_id == user.pk else e.actor_email,
            "ip": e.ip,
            "user_agent": e.user_agent,
            "success": e.success,
            "factor": e.factor,
            "details": e.details,
        }
        for e in rows.order_by("created_at", "id")[:10_000]
    ]


def _oauth(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    # Linked identities belong to the person, whatever tenant they sign in at: listed in every export.
    return [
        {
            "id": i.pk,
            "provider": i.provider,
            "subject": i.subject,
            "email": i.email,
            "email_verified": i.email_verified,
            "name": i.name,
            "avatar_url": i.avatar_url,
            "created_at": i.created_at,
            "last_login_at": i.last_login_at,
        }
        for i in OAuthIdentity.objects.filter(user=user).order_by("provider")
    ]


def _oauth_erase(user: User) -> None:
    OAuthIdentity.objects.filter(user=user).delete()
    OAuthFlow.objects.filter(link_user=user).delete()


def _admin_log(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    if tenant is not None:  # platform staff actions belong to no tenant
        return []
    return [
        {"action_time": e.action_time, "object_repr": e.object_repr, "change_message": e.get_change_message()}
        for e in LogEntry.objects.filter(user=user).order_by("action_time")
    ]


def _nothing(user: User) -> None:
    return None


def _delete(queryset_of: Callable[[User], Any]) -> Eraser:
    def erase(user: User) -> None:
        queryset_of(user).delete()

    return erase


KEEP_UNTIL_ERASED = "as long as the account exists"
CONTRACT = "contract (GDPR art. 6(1)(b))"
LEGITIMATE = "legitimate interest: security (GDPR art. 6(1)(f))"
LEGAL = "legal obligation and legitimate interest: accountability (art. 6(1)(c), (f))"

PUBLIC_SOURCES: tuple[Source, ...] = (
    Source(
        key="user",
        category="Identity and contact",
        models=("accounts.User", "accounts.User_groups", "accounts.User_user_permissions"),
        fields=("email", "first_name", "last_name", "phone", "password (hash)", "last_login_at"),
        purpose="Sign-in and account management",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=CONTRACT,
        export=_profile,
        erase=_nothing,  # the row is deleted last, by services.gdpr_delete
    ),
    Source(
        key="memberships",
        category="Organisation memberships",
        models=("accounts.Membership",),
        fields=("tenant", "is_active", "is_admin", "created_at"),
        purpose="Access to each organisation",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=CONTRACT,
        export=_memberships,
        erase=_delete(lambda u: Membership.objects.filter(user=u)),
    ),
    Source(
        key="roles",
        category="Roles and permissions",
        models=("rbac.RoleAssignment",),
        fields=("role", "expires_at", "granted_by"),
        purpose="Authorisation",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=CONTRACT,
        export=_roles,
        erase=_roles_erase,
    ),
    Source(
        key="password_reset_tokens",
        category="Password resets",
        models=("accounts.PasswordResetToken",),
        fields=("created_at", "expires_at", "used_at"),
        purpose="Account recovery",
        retention="15 minutes of validity; kept until erasure",
        legal_basis=CONTRACT,
        export=_reset_tokens,
        erase=_delete(lambda u: PasswordResetToken.objects.filter(user=u)),
        anonymize=_delete(lambda u: PasswordResetToken.objects.filter(user=u)),
    ),
    Source(
        key="mfa",
        category="Second factor",
        models=("mfa.TOTPDevice", "mfa.RecoveryCode"),
        fields=("device name", "confirmed", "last_used_at", "recovery-code counts (never secrets)"),
        purpose="Two-factor authentication",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=LEGITIMATE,
        export=_mfa,
        erase=mfa_delete_for_user,
        anonymize=mfa_delete_for_user,
    ),
    Source(
        key="oauth_accounts",
        category="Linked sign-in accounts (Google, GitHub)",
        models=("oauth.OAuthIdentity", "oauth.OAuthFlow"),
        fields=("provider", "provider user id", "e-mail", "name", "avatar URL"),
        purpose="Sign-in with an external provider",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=CONTRACT,
        export=_oauth,
        erase=_oauth_erase,
        anonymize=_oauth_erase,
    ),
    Source(
        key="audit_logs",
        category="Security audit trail",
        models=("audit.AuditEvent",),
        fields=("event", "e-mail snapshot", "IP address", "user agent", "time"),
        purpose="Security and accountability",
        retention="kept; pseudonymised on erasure (the link and e-mail are replaced)",
        legal_basis=LEGAL,
        export=_audit,
        erase=_nothing,  # pseudonymised by services (the table is append-only)
    ),
    Source(
        key="admin_log",
        category="Platform administration log",
        models=("admin.LogEntry",),
        fields=("action_time", "object", "change"),
        purpose="Accountability of platform staff",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=LEGAL,
        export=_admin_log,
        erase=_delete(lambda u: LogEntry.objects.filter(user=u)),
    ),
)


TENANT_SOURCES: tuple[Source, ...] = (
    Source(
        key="sessions",
        category="Sign-in sessions",
        models=("user_sessions.UserSession", "user_sessions.RefreshToken"),
        fields=("IP address", "user agent", "device", "created/last seen/revoked times"),
        purpose="Keeping you signed in; showing and ending your sessions",
        retention="30 days at most after the last use; kept until erasure",
        legal_basis=CONTRACT,
        export=sessions_export,
        erase=sessions_erase,
        anonymize=sessions_anonymize,
        per_tenant=True,
    ),
    Source(
        key="mfa_challenges",
        category="Second-factor sign-in steps",
        models=("user_sessions.MfaChallenge",),
        fields=("IP address", "user agent", "times"),
        purpose="Completing a sign-in with a second factor",
        retention="5 minutes of validity; kept until erasure",
        legal_basis=LEGITIMATE,
        export=mfa_challenges_export,
        erase=mfa_challenges_erase,
        anonymize=mfa_challenges_erase,
        per_tenant=True,
    ),
    Source(
        key="api_keys",
        category="API keys and their use",
        models=("apikeys.ApiKey", "apikeys.ApiKeyUsage"),
        fields=("name", "prefix", "scopes", "dates", "per-request endpoint, IP address, latency"),
        purpose="Programmatic access on your behalf; abuse detection",
        retention="kept until the key is deleted or the account erased",
        legal_basis=CONTRACT,
        export=api_keys_export,
        erase=api_keys_erase,
        anonymize=api_keys_anonymize,
        per_tenant=True,
    ),
)


def tenant_sources() -> tuple[Source, ...]:
    return TENANT_SOURCES


def all_sources() -> tuple[Source, ...]:
    return PUBLIC_SOURCES + TENANT_SOURCES
