"""Isolation scenarios for the access routes (roles, API keys, GDPR).

At tenant A: a custom role held by a member who belongs to A only, and an API key of that member. One
person administers both tenants and calls at B with B's token, aiming at each of A's objects; nothing of
A may show up, and A's role, member and key must survive. (The administrator's own GDPR export at B does
list their own memberships and sessions at A: that is their data, not A's.)
"""

from __future__ import annotations

from typing import Any

from django_tenants.utils import schema_context

from shared_apps.accounts.models import Membership, User
from shared_apps.rbac.models import Role, RoleAssignment
from shared_apps.rbac.services import system_roles_sync
from shared_apps.tenants.models import Tenant
from tenant_apps.apikeys.models import ApiKey
from tests.factories.access import api_key_for, assign, token_headers
from tests.factories.accounts import make_member

from .registry import Probe, Scenario

ROLE_NAME = "Sommelier-Alpha-Secret"
KEY_NAME = "cave-a-vins-alpha"


def arrange_access(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, object]:
    if not Role.objects.filter(is_system=True).exists():
        system_roles_sync()
    admin = make_member(tenant=tenant_a, is_admin=True)
    Membership.objects.create(user=admin.user, tenant=tenant_b, is_admin=True)
    role = Role.objects.create(tenant=tenant_a, slug="sommelier-alpha-secret", name=ROLE_NAME)
    only_a = make_member(tenant=tenant_a)
    assign(only_a, "member")
    RoleAssignment.objects.create(membership=only_a, role=role)
    raw_key = api_key_for(only_a, ["metro:read"], name=KEY_NAME)
    with schema_context(tenant_a.schema_name):
        key = ApiKey.objects.get(created_by=only_a.user)
    return {
        "secrets": [ROLE_NAME, role.slug, KEY_NAME, key.key_prefix, raw_key, only_a.user.email],
        "auth_b": token_headers(Membership.objects.get(user=admin.user, tenant=tenant_b)),
        "role_id": str(role.pk),
        "user_id": str(only_a.user_id),
        "key_id": str(key.pk),
        "tenant_a": tenant_a,
        "email_a": only_a.user.email,
    }


def access_untouched(ctx: dict[str, Any]) -> None:
    role = Role.objects.get(pk=ctx["role_id"])
    assert role.name == ROLE_NAME, "A's role was changed from B"
    user = User.objects.filter(pk=ctx["user_id"]).first()
    assert user is not None, "A's member was erased from B"
    assert user.email == ctx["email_a"], "A's member was anonymised from B"
    assert user.is_active
    assert role.assignments.filter(membership__user=user).exists(), "A's role was withdrawn from B"
    with schema_context(ctx["tenant_a"].schema_name):
        assert ApiKey.objects.get(pk=ctx["key_id"]).revoked_at is None, "A's key was revoked from B"


def _values(*names: str) -> Any:
    return lambda ctx: {name: ctx[name] for name in names}


_GDPR_BODY = lambda ctx: {"user_id": ctx["user_id"], "reason": "isolation probe", "confirm": True}  # noqa: E731
_PROBES: dict[str, tuple[Probe, ...]] = {
    "api:roles": (Probe(), Probe(method="post", body=lambda ctx: {"name": "Beta role", "permissions": []})),
    "api:role-detail": (
        Probe(path_values=_values("role_id")),
        Probe(method="put", path_values=_values("role_id"), body=lambda ctx: {"name": "Renamed from B"}),
        Probe(method="delete", path_values=_values("role_id")),
    ),
    "api:user-roles": (
        Probe(path_values=_values("user_id")),
        Probe(
            method="post", path_values=_values("user_id"), body=lambda ctx: {"role_id": int(ctx["role_id"])}
        ),
    ),
    "api:user-role": (Probe(method="delete", path_values=_values("user_id", "role_id")),),
    "api:api-keys": (Probe(), Probe(method="post", body=lambda ctx: {"name": "beta key"})),
    "api:api-key-detail": (
        Probe(path_values=_values("key_id")),
        Probe(method="delete", path_values=_values("key_id")),
    ),
    "api:gdpr-export": (Probe(),),
    "api:gdpr-export-member": (Probe(path_values=_values("user_id")),),
    "api:gdpr-delete": (Probe(method="delete", body=_GDPR_BODY),),
    "api:gdpr-anonymize": (Probe(method="post", body=_GDPR_BODY),),
    "api:gdpr-inventory": (Probe(),),
}

ACCESS_SCENARIOS: dict[str, Scenario] = {
    name: Scenario(arrange=arrange_access, probes=probes, after=access_untouched)
    for name, probes in _PROBES.items()
}
