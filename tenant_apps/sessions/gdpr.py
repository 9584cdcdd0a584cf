"""GDPR sources of this tenant app (named in settings.GDPR_TENANT_SOURCES; called in each tenant schema)."""

from __future__ import annotations

from typing import Any

from shared_apps.accounts.models import User
from shared_apps.gdpr.sources import CONTRACT, LEGITIMATE, Source
from shared_apps.tenants.models import Tenant

from .models import MfaChallenge, UserSession


def _sessions(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    return [
        {
            "id": str(s.pk),
            "created_at": s.created_at,
            "last_seen_at": s.last_seen_at,
            "revoked_at": s.revoked_at,
            "revoke_reason": s.revoke_reason,
            "ip_address": s.ip,
            "user_agent": s.user_agent,
            "device_type": s.device_type,
            "browser": s.browser,
            "os": s.os,
        }
        for s in UserSession.objects.filter(user=user).order_by("created_at")
    ]


def _sessions_erase(user: User) -> None:
    UserSession.objects.filter(user=user).delete()  # refresh tokens go with them (CASCADE)


def _sessions_anonymize(user: User) -> None:
    UserSession.objects.filter(user=user).update(ip=None, user_agent="", browser="", os="")


def _challenges(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    return [
        {"created_at": c.created_at, "used_at": c.used_at, "ip_address": c.ip, "user_agent": c.user_agent}
        for c in MfaChallenge.objects.filter(user=user).order_by("created_at")
    ]


def _challenges_erase(user: User) -> None:
    MfaChallenge.objects.filter(user=user).delete()


SOURCES = (
    Source(
        key="sessions",
        category="Sign-in sessions",
        models=("user_sessions.UserSession", "user_sessions.RefreshToken"),
        fields=("IP address", "user agent", "device", "created/last seen/revoked times"),
        purpose="Keeping you signed in; showing and ending your sessions",
        retention="30 days at most after the last use; kept until erasure",
        legal_basis=CONTRACT,
        export=_sessions,
        erase=_sessions_erase,
        anonymize=_sessions_anonymize,
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
        export=_challenges,
        erase=_challenges_erase,
        anonymize=_challenges_erase,
        per_tenant=True,
    ),
)
