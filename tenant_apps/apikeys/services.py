"""API key writes: creation (the raw key is returned once and never stored), revocation."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from shared_apps.rbac.enums import API_KEY_SCOPES, SCOPE_ALL
from shared_apps.tenants.models import Tenant

from .keys import key_digest, key_new
from .models import ApiKey

EVENT_CREATED = EventType.API_KEY_CREATED
EVENT_REVOKED = EventType.API_KEY_REVOKED


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    raw_key: str


def scopes_clean(*, scopes: Iterable[str], held: frozenset[str]) -> list[str]:
    """Known scopes only, and none its creator does not hold now (`*` follows the creator's rights)."""
    wanted = sorted(set(scopes))
    if not wanted:
        raise ValidationFailed("Donnez au moins un scope à la clé.", code="invalid_scopes")
    unknown = [s for s in wanted if s != SCOPE_ALL and s not in API_KEY_SCOPES]
    if unknown:
        raise ValidationFailed("Scopes inconnus.", code="invalid_scopes", details={"scopes": unknown})
    if SCOPE_ALL in wanted:
        return [SCOPE_ALL]
    beyond = [s for s in wanted if s not in held]
    if beyond:
        raise PermissionDenied(
            "Une clé ne peut pas avoir de scopes que vous n'avez pas.",
            code="scope_not_held",
            details={"scopes": beyond},
        )
    return wanted


@transaction.atomic
def api_key_create(
    *,
    tenant: Tenant,
    user: User,
    name: str,
    scopes: Iterable[str],
    held: frozenset[str],
    expires_at: datetime | None = None,
) -> NewKey:
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationFailed("expires_at doit être dans le futur.", code="invalid_expiry")
    clean = scopes_clean(scopes=scopes, held=held)
    live = ApiKey.objects.filter(created_by=user, revoked_at__isnull=True).count()
    if live >= int(settings.API_KEYS_MAX_PER_USER):
        raise Conflict(
            "Vous avez trop de clés d'API actives ; révoquez-en une d'abord.", code="too_many_api_keys"
        )
    for _ in range(3):  # an 8-character prefix collision is unlikely; the unique index decides
        raw, prefix = key_new(tenant_slug=tenant.slug)
        try:
            with transaction.atomic():
                key = ApiKey.objects.create(
                    name=name.strip(),
                    key_prefix=prefix,
                    key_hash=key_digest(raw),
                    scopes=clean,
                    created_by=user,
                    expires_at=expires_at,
                )
            break
        except IntegrityError:
            continue
    else:
        raise Conflict(
            "Impossible d'attribuer un préfixe de clé ; réessayez.", code="api_key_prefix_collision"
        )
    audit_record(
        event_type=EVENT_CREATED,
        tenant=tenant,
        user=user,
        details={"api_key_id": str(key.pk), "key_prefix": prefix, "scopes": clean},
    )
    return NewKey(key=key, raw_key=raw)


@transaction.atomic
def api_key_revoke(*, tenant: Tenant, key: ApiKey, actor: User, reason: str = "revoked") -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at, key.revoke_reason = timezone.now(), reason
        key.save(update_fields=["revoked_at", "revoke_reason"])
        audit_record(
            event_type=EVENT_REVOKED,
            tenant=tenant,
            user=actor,
            details={"api_key_id": str(key.pk), "key_prefix": key.key_prefix, "reason": reason},
        )
    return key


def api_keys_revoke_for_user(*, user_id: Any, reason: str, now: datetime | None = None) -> int:
    """Revoke every live key the user created at the tenant the connection is set to (deactivation)."""
    return ApiKey.objects.filter(created_by_id=user_id, revoked_at__isnull=True).update(
        revoked_at=now or timezone.now(), revoke_reason=reason[:32]
    )
