"""Helpers for roles, tokens and API keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import Membership
from shared_apps.rbac.enums import ALL_CODES
from shared_apps.rbac.models import Role, RoleAssignment
from shared_apps.rbac.services import system_roles_sync
from shared_apps.tenants.models import Tenant
from tenant_apps.apikeys.services import api_key_create
from tenant_apps.sessions.services import session_start
from tenant_apps.sessions.tokens import access_token_encode
from tests.factories.accounts import make_member

ROLES = ("owner", "admin", "manager", "member", "read-only")


@pytest.fixture(autouse=True)
def _system_roles(db: None) -> None:
    # Seeded by a data migration; restored here in case a transactional test flushed the tables.
    if not Role.objects.filter(is_system=True).exists():
        system_roles_sync()


def assign(membership: Membership, slug: str, *, expires_at: datetime | None = None) -> RoleAssignment:
    role = Role.objects.get(tenant=None, slug=slug)
    return RoleAssignment.objects.create(membership=membership, role=role, expires_at=expires_at)


def member_with_role(tenant: Tenant, role: str | None) -> Membership:
    """A member holding one system role (None: no assignment, i.e. the implicit member role)."""
    membership = make_member(tenant=tenant)
    if role is not None:
        assign(membership, role)
    return membership


def token_headers(membership: Membership, *, auth_time: datetime | None = None) -> dict[str, Any]:
    """A live session at the membership's tenant and a bearer header for it."""
    tenant = membership.tenant
    with schema_context(tenant.schema_name):
        session = session_start(
            tenant=tenant, user=membership.user, ip="127.0.0.1", user_agent="pytest", auth_methods=["pwd"]
        ).session
    token, _ = access_token_encode(
        user_id=membership.user.pk,
        tenant=tenant.slug,
        session_id=session.pk,
        auth_time=auth_time or timezone.now(),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def api_key_for(membership: Membership, scopes: list[str], **fields: Any) -> str:
    """A raw key created by `membership` at its tenant (through the service, as the API would)."""
    tenant = membership.tenant
    with schema_context(tenant.schema_name):
        new = api_key_create(
            tenant=tenant,
            user=membership.user,
            name=fields.pop("name", "test key"),
            scopes=scopes,
            held=ALL_CODES,
            **fields,
        )
    return new.raw_key


def key_headers(raw_key: str) -> dict[str, Any]:
    return {"HTTP_AUTHORIZATION": f"Api-Key {raw_key}"}
