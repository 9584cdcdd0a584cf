"""GDPR sources of this tenant app (named in settings.GDPR_TENANT_SOURCES; called in each tenant schema)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.gdpr.sources import CONTRACT, Source
from shared_apps.tenants.models import Tenant

from .models import ApiKey, ApiKeyUsage


def _keys(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
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


def _keys_erase(user: User) -> None:
    ApiKey.objects.filter(created_by=user).delete()  # usage rows go with them (CASCADE)


def _keys_anonymize(user: User) -> None:
    keys = ApiKey.objects.filter(created_by=user)
    ApiKeyUsage.objects.filter(key__in=keys).update(ip=None)
    keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(), revoke_reason="anonymized")
    keys.update(name="anonymized")


SOURCES = (
    Source(
        key="api_keys",
        category="API keys and their use",
        models=("apikeys.ApiKey", "apikeys.ApiKeyUsage"),
        fields=("name", "prefix", "scopes", "dates", "per-request endpoint, IP address, latency"),
        purpose="Programmatic access on your behalf; abuse detection",
        retention="kept until the key is deleted or the account erased",
        legal_basis=CONTRACT,
        export=_keys,
        erase=_keys_erase,
        anonymize=_keys_anonymize,
        per_tenant=True,
    ),
)
