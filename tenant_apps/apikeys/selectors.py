"""Reads of API keys (in the schema of the routed tenant)."""

from __future__ import annotations

import hmac
from datetime import datetime
from typing import Any

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet

from shared_apps.core.exceptions import NotFound
from shared_apps.mfa.models import TOTPDevice
from shared_apps.rbac.credentials import ScopedCredential
from shared_apps.rbac.principal import CredentialKind, MembershipState, MfaState, Principal, principal_build
from shared_apps.rbac.selectors import live_codes_annotations
from shared_apps.tenants.models import Tenant

from .keys import key_digest, key_parse
from .models import ApiKey


def api_key_principal(*, tenant: Tenant, raw_key: str, now: datetime) -> Principal | None:
    """The principal of a key (its creator, with what the key's scopes leave of their permissions here), or
    None. One query. A key is refused when it is malformed, names another tenant, is unknown here, does not
    match, is revoked or expired, or when its creator is inactive or no longer an active member."""
    parsed = key_parse(raw_key)
    if parsed is None or parsed.tenant_slug != tenant.slug:
        return None
    key = (
        ApiKey.objects.select_related("created_by")
        .annotate(
            creator_membership=FilteredRelation(
                "created_by__memberships", condition=Q(created_by__memberships__tenant_id=tenant.pk)
            ),
            membership_is_active=F("creator_membership__is_active"),
            membership_is_admin=F("creator_membership__is_admin"),
            creator_has_mfa=Exists(
                TOTPDevice.objects.filter(user_id=OuterRef("created_by_id"), confirmed=True)
            ),
            **live_codes_annotations(user_ref="created_by_id", tenant_id=tenant.pk, now=now),
        )
        .filter(key_prefix=parsed.prefix)
        .first()
    )
    if key is None or not hmac.compare_digest(key.key_hash, key_digest(raw_key)):
        return None
    user = key.created_by
    facts: dict[str, Any] = key.__dict__  # the annotations above
    if not key.is_usable(now) or not user.is_active or not facts["membership_is_active"]:
        return None
    return principal_build(
        user=user,
        tenant=tenant,
        membership=MembershipState(active=True, is_admin=bool(facts["membership_is_admin"])),
        live_role_codes=facts["rbac_codes"] if facts["rbac_assigned"] else None,
        mfa=MfaState(enabled=bool(facts["creator_has_mfa"])),
        auth_time=None,  # a key has no sign-in time, so it cannot step up
        credential=CredentialKind.API_KEY,
        api_key=ScopedCredential(key_id=key.pk, key_prefix=key.key_prefix, scopes=tuple(key.scopes)),
    )


def api_key_list(
    *, user_id: Any, all_of_tenant: bool, include_revoked: bool, now: datetime
) -> QuerySet[ApiKey]:
    keys = ApiKey.objects.all() if all_of_tenant else ApiKey.objects.filter(created_by_id=user_id)
    if not include_revoked:
        keys = keys.filter(revoked_at__isnull=True)
    return keys.order_by("-created_at")


def api_key_active_count(keys: QuerySet[ApiKey], *, now: datetime) -> int:
    return keys.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), revoked_at__isnull=True).count()


def api_key_get(*, key_id: Any, user_id: Any, all_of_tenant: bool) -> ApiKey:
    """One key the caller may see: their own, or any of this tenant's for a tenant administrator."""
    keys = ApiKey.objects.all() if all_of_tenant else ApiKey.objects.filter(created_by_id=user_id)
    key = keys.filter(pk=key_id).first()
    if key is None:
        raise NotFound("Clé d'API introuvable.", code="api_key_not_found")
    return key
