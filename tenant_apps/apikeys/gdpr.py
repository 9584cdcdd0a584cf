"""Personal data in this app's tables, for shared_apps.gdpr.sources (called inside each tenant schema)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.tenants.models import Tenant

from .models import ApiKey, ApiKeyUsage


def api_keys_export(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    keys = ApiKey.objects.filter(created_by=user).annotate(
        uses=Count("usage"), last_use=Max("usage__created_at")
    )
    return [
        {
            "id": str(k.pk),
            "name": k.name,
            "key_prefix": k.key_prefix,
            "scopes": k.scopes,
            "created_at": k.created_at,
            "expires_at": k.expires_at,
            "revoked_at": k.revoked_at,
            "last_used_at": k.last_used_at,
            "usage": {
                "requests": k.uses,
                "ip_addresses": sorted(
                    {
                        str(ip)
                        for ip in ApiKeyUsage.objects.filter(key=k, ip__isnull=False).values_list(
                            "ip", flat=True
                        )
                    }
                ),
            },
        }
        for k in keys.order_by("created_at")
    ]


def api_keys_erase(user: User) -> None:
    ApiKey.objects.filter(created_by=user).delete()  # usage rows go with them (CASCADE)


def api_keys_anonymize(user: User) -> None:
    keys = ApiKey.objects.filter(created_by=user)
    ApiKeyUsage.objects.filter(key__in=keys).update(ip=None)
    keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoke_reason="anonymized")
    keys.update(name="anonymized")
