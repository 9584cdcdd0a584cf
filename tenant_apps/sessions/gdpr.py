"""Personal data in this app's tables, for shared_apps.gdpr.sources (called inside each tenant schema)."""

from __future__ import annotations

from typing import Any

from shared_apps.accounts.models import User
from shared_apps.tenants.models import Tenant

from .models import MfaChallenge, UserSession


def sessions_export(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
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


def sessions_erase(user: User) -> None:
    UserSession.objects.filter(user=user).delete()  # refresh tokens go with them (CASCADE)


def sessions_anonymize(user: User) -> None:
    UserSession.objects.filter(user=user).update(ip=None, user_agent="", browser="", os="")


def mfa_challenges_export(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    return [
        {"created_at": c.created_at, "used_at": c.used_at, "ip_address": c.ip, "user_agent": c.user_agent}
        for c in MfaChallenge.objects.filter(user=user).order_by("created_at")
    ]


def mfa_challenges_erase(user: User) -> None:
    MfaChallenge.objects.filter(user=user).delete()
