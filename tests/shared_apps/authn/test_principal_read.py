"""The per-request principal: one statement reads the user, the membership, the live role codes and the
MFA flag, with Redis or with the session row joined in; a revoked or expired session finds nobody."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.authn.principal_read import principal_for_token
from shared_apps.rbac.models import Role, RoleAssignment
from shared_apps.rbac.principal import CredentialKind, MembershipState, MfaState, principal_build
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions.models import UserSession
from tenant_apps.sessions.tokens import access_token_decode
from tests.factories.access import assign, token_headers
from tests.factories.accounts import make_member

pytestmark = pytest.mark.django_db
LIVENESS = pytest.mark.parametrize("liveness", ["redis", "postgres"])


def _claims(headers: dict[str, Any]) -> Any:
    return access_token_decode(headers["HTTP_AUTHORIZATION"].split()[1])


@LIVENESS
def test_me_costs_one_principal_statement_or_none_when_cached(
    client_a: Client, tenant_a: Tenant, settings: Any, liveness: str
) -> None:
    if liveness == "postgres":
        settings.REDIS_URL = ""
    headers = token_headers(make_member(tenant=tenant_a))
    assert client_a.get("/api/v1/auth/me", **headers).status_code == 200  # warm the routing cache
    with CaptureQueriesContext(connection) as queries:
        response = client_a.get("/api/v1/auth/me", **headers)
    assert response.status_code == 200
    assert response.json()["mfa_enabled"] is False
    if liveness == "redis":
        # The principal came from Redis with the session's alive fact: no SQL, not even SET search_path.
        assert queries.captured_queries == []
        return
    # SET search_path, then the principal: the MFA flag came with it (no query of its own).
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SET ")]
    assert len(statements) == 1, statements
    assert "user_sessions_usersession" in statements[0]


@pytest.mark.parametrize("checked", [True, False])
def test_principal_reads_membership_live_codes_and_mfa_flag(tenant_a: Tenant, checked: bool) -> None:
    membership = make_member(tenant=tenant_a, is_admin=True)
    assign(membership, "read-only")
    assign(membership, "manager", expires_at=timezone.now() + timedelta(minutes=5))
    claims = _claims(token_headers(membership))
    with schema_context(tenant_a.schema_name):
        facts = principal_for_token(
            tenant=tenant_a,
            user_id=claims.user_id,
            session_id=claims.session_id,
            now=timezone.now() + timedelta(minutes=6),  # the manager role has run out by then
            session_checked=checked,
        )
    assert facts is not None
    assert facts.user.pk == membership.user.pk
    assert facts.user.email == membership.user.email
    assert facts.membership == MembershipState(active=True, is_admin=True)
    assert facts.live_role_codes is not None
    # the read-only role's codes only: the manager role (users:write) has expired at `now`
    read_only = Role.objects.get(tenant=None, slug="read-only")
    assert set(facts.live_role_codes) == set(read_only.permissions.values_list("code", flat=True))
    assert "users:write" not in facts.live_role_codes
    assert facts.has_mfa is False


def test_principal_without_membership_or_live_session_is_refused(tenant_a: Tenant, tenant_b: Tenant) -> None:
    membership = make_member(tenant=tenant_a)
    claims = _claims(token_headers(membership))
    now = timezone.now()
    with schema_context(tenant_a.schema_name):
        kwargs = {"user_id": claims.user_id, "session_id": claims.session_id, "now": now}
        outsider = principal_for_token(tenant=tenant_b, session_checked=True, **kwargs)
        assert outsider is not None
        assert outsider.membership is None
        assert outsider.live_role_codes is None
        UserSession.objects.filter(pk=claims.session_id).update(revoked_at=now)
        assert principal_for_token(tenant=tenant_a, session_checked=False, **kwargs) is None


def test_a_live_role_without_permissions_replaces_the_member_role(tenant_a: Tenant) -> None:
    membership = make_member(tenant=tenant_a)
    empty = Role.objects.create(tenant=tenant_a, slug="nothing", name="Nothing")
    RoleAssignment.objects.create(membership=membership, role=empty)
    claims = _claims(token_headers(membership))
    with schema_context(tenant_a.schema_name):
        facts = principal_for_token(
            tenant=tenant_a,
            user_id=claims.user_id,
            session_id=claims.session_id,
            now=timezone.now(),
            session_checked=False,
        )
    assert facts is not None
    assert facts.live_role_codes == (None,)  # assigned, so no implicit member role (codes_combine)
    principal = principal_build(
        user=facts.user,
        tenant=tenant_a,
        membership=facts.membership,
        live_role_codes=facts.live_role_codes,
        mfa=MfaState(enabled=facts.has_mfa),
        auth_time=None,
        credential=CredentialKind.TOKEN,
    )
    assert principal.permissions == frozenset()
