"""The principal cached in Redis: a warm request runs no SQL, and every change of what it holds takes
effect on the very next request (the services invalidate it; role expiry needs no invalidation)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any, cast

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from shared_apps.accounts import principal_cache
from shared_apps.accounts.models import Membership
from shared_apps.core.redis_client import redis_client
from shared_apps.core.redis_keys import redis_key
from shared_apps.members.services import member_update
from shared_apps.mfa import totp
from shared_apps.rbac.enums import ALL_CODES
from shared_apps.rbac.models import Role
from shared_apps.rbac.services import role_unassign
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions.revocation import revoked_key
from tenant_apps.sessions.tokens import access_token_decode
from tests.factories.access import assign, token_headers
from tests.factories.accounts import make_member
from tests.factories.mfa import code_for

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users"  # needs users:read: the manager and admin roles hold it, the member role does not
ME = "/api/v1/auth/me"


def _warm(client: Client, path: str, headers: dict[str, Any]) -> int:
    """Two requests; the second must come from the cache (no SQL at all). Returns its status."""
    client.get(path, **headers)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(path, **headers).status_code
    if path == ME:
        assert queries.captured_queries == [], [q["sql"] for q in queries.captured_queries]
    return status


@pytest.fixture
def actor(tenant_a: Tenant) -> Membership:
    return make_member(tenant=tenant_a, is_admin=True)


def test_removed_role_is_refused_on_the_next_request(
    client_a: Client, tenant_a: Tenant, actor: Membership
) -> None:
    membership = make_member(tenant=tenant_a)
    assign(membership, "manager")
    headers = token_headers(membership)
    assert _warm(client_a, ME, headers) == 200
    assert client_a.get(USERS, **headers).status_code == 200
    role_unassign(
        tenant=tenant_a,
        membership=membership,
        role=Role.objects.get(tenant=None, slug="manager"),
        actor=actor.user,
        actor_codes=ALL_CODES,
    )
    assert client_a.get(USERS, **headers).status_code == 403


def test_demoted_admin_is_refused_on_the_next_request(
    client_a: Client, tenant_a: Tenant, actor: Membership
) -> None:
    membership = make_member(tenant=tenant_a, is_admin=True)
    headers = token_headers(membership)
    assert _warm(client_a, USERS, headers) == 200
    member_update(tenant=tenant_a, membership=membership, actor=actor.user, data={"is_admin": False})
    assert client_a.get(USERS, **headers).status_code == 403


def test_deactivated_member_is_refused_on_the_next_request(
    client_a: Client, tenant_a: Tenant, actor: Membership
) -> None:
    membership = make_member(tenant=tenant_a)
    headers = token_headers(membership)
    assert _warm(client_a, ME, headers) == 200
    member_update(tenant=tenant_a, membership=membership, actor=actor.user, data={"is_active": False})
    assert client_a.get(ME, **headers).status_code == 401


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """5 s into the current TOTP step, standing still (Redis and PostgreSQL keep real time)."""
    start = (int(time.time()) // totp.STEP_SECONDS) * totp.STEP_SECONDS + 5
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


def test_enabled_mfa_shows_on_the_next_request(
    client_a: Client, tenant_a: Tenant, clock: time_machine.Traveller
) -> None:
    headers = token_headers(make_member(tenant=tenant_a))
    assert _warm(client_a, ME, headers) == 200
    assert client_a.get(ME, **headers).json()["mfa_enabled"] is False
    setup = client_a.post("/api/v1/mfa/setup", {}, content_type="application/json", **headers)
    secret = setup.json()["secret"]
    enabled = client_a.post(
        "/api/v1/mfa/enable", {"code": code_for(secret)}, content_type="application/json", **headers
    )
    assert enabled.status_code == 200, enabled.content
    assert client_a.get(ME, **headers).json()["mfa_enabled"] is True


def test_expired_role_is_gone_on_the_next_request_without_invalidation(
    client_a: Client, tenant_a: Tenant
) -> None:
    membership = make_member(tenant=tenant_a)
    assign(membership, "manager", expires_at=timezone.now() + timedelta(minutes=5))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        headers = token_headers(membership)
        assert _warm(client_a, USERS, headers) == 200
        traveller.shift(timedelta(minutes=6))  # Redis keeps real time: the snapshot is still there
        assert client_a.get(USERS, **headers).status_code == 403


def test_a_snapshot_built_before_an_invalidation_is_never_used(tenant_a: Tenant) -> None:
    """A request that read the rows before a change committed must not cache them past the change."""
    membership = make_member(tenant=tenant_a)
    claims = access_token_decode(token_headers(membership)["HTTP_AUTHORIZATION"].split()[1])
    keys = {
        "revoked_key": revoked_key(tenant_a.schema_name, claims.session_id),
        "tenant_id": tenant_a.pk,
        "user_id": claims.user_id,
    }
    before = principal_cache.lookup(**keys)
    assert before.revoked is False
    assert before.snapshot is None
    principal_cache.forget_user(claims.user_id)  # the change commits while the request builds its snapshot
    snapshot = {"layout": "", "user": [], "active": True, "admin": True, "roles": None, "mfa": False}
    principal_cache.store(
        tenant_id=tenant_a.pk, user_id=claims.user_id, stamp=before.stamp, snapshot=snapshot
    )
    assert principal_cache.lookup(**keys).snapshot is None
    fresh = principal_cache.lookup(**keys)
    principal_cache.store(tenant_id=tenant_a.pk, user_id=claims.user_id, stamp=fresh.stamp, snapshot=snapshot)
    assert principal_cache.lookup(**keys).snapshot is not None


def test_the_password_hash_is_not_cached(client_a: Client, tenant_a: Tenant) -> None:
    membership = make_member(tenant=tenant_a)
    assert _warm(client_a, ME, token_headers(membership)) == 200
    client = redis_client()
    assert client is not None
    cached = cast(bytes, client.get(redis_key(f"authn:principal:{tenant_a.pk}:{membership.user.pk}")))
    assert cached is not None
    assert str(membership.user.email).encode() in cached
    assert membership.user.password.encode() not in cached
