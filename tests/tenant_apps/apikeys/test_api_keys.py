"""API keys: shown once, stored hashed, scoped, bounded by their creator, tenant-bound, usage recorded."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts.models import Membership
from shared_apps.rbac.models import Role
from shared_apps.tenants.models import Tenant
from tenant_apps.apikeys.models import ApiKey, ApiKeyUsage
from tests.conftest import SHARED_HOST
from tests.factories.access import api_key_for, assign, key_headers, member_with_role, token_headers
from tests.factories.accounts import make_member

pytestmark = pytest.mark.django_db
JSON = "application/json"
SUMMARY = "/api/v1/metro/summary"


def _create(client: Client, headers: dict[str, Any], **body: Any) -> Any:
    return client.post("/api/v1/api-keys", {"name": "ci", **body}, content_type=JSON, **headers)


def test_a_key_is_shown_once_named_after_its_tenant_and_stored_hashed(
    client_a: Client, tenant_a: Tenant
) -> None:
    headers = token_headers(make_member(tenant=tenant_a))
    response = _create(client_a, headers, scopes=["metro:read"])
    assert response.status_code == 201, response.content
    body = response.json()
    raw = body["raw_key"]
    assert re.fullmatch(r"mc_alpha_[A-Za-z0-9]{8}_[A-Za-z0-9]{44}", raw)
    assert raw.startswith(body["key_prefix"] + "_")
    assert body["scopes"] == ["metro:read"]
    with schema_context(tenant_a.schema_name):
        key = ApiKey.objects.get(pk=body["id"])
        stored = str(ApiKey.objects.filter(pk=key.pk).values().first())
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.split("_")[-1] not in stored
    listed = client_a.get("/api/v1/api-keys", **headers).json()
    assert listed["total"] == 1
    assert listed["active_count"] == 1
    assert "raw_key" not in listed["keys"][0]
    assert raw not in client_a.get(f"/api/v1/api-keys/{key.pk}", **headers).content.decode()


@pytest.mark.parametrize("header", ["authorization", "x-api-key"])
def test_a_key_authenticates_by_either_header(client_a: Client, tenant_a: Tenant, header: str) -> None:
    raw = api_key_for(make_member(tenant=tenant_a), ["metro:read"])
    headers = key_headers(raw) if header == "authorization" else {"HTTP_X_API_KEY": raw}
    assert client_a.get(SUMMARY, **headers).status_code == 200


@pytest.mark.parametrize("param", ["api_key", "key", "x-api-key", "anything"])
def test_a_key_in_the_query_string_is_refused_and_not_honoured(
    client_a: Client, tenant_a: Tenant, param: str
) -> None:
    raw = api_key_for(make_member(tenant=tenant_a), ["metro:read"])
    response = client_a.get(SUMMARY, {param: raw})
    assert response.status_code == 400
    assert response.json()["error"] == "API_KEY_IN_QUERY_STRING"
    # Even with a valid header, a key in the URL fails the request (it leaked already).
    assert client_a.get(SUMMARY, {param: raw}, **key_headers(raw)).status_code == 400
    with schema_context(tenant_a.schema_name):
        assert not ApiKeyUsage.objects.exists()


def test_a_key_of_tenant_a_is_a_401_at_tenant_b(
    client_a: Client, client_b: Client, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    membership = make_member(tenant=tenant_a)
    Membership.objects.create(user=membership.user, tenant=tenant_b)  # the creator belongs to both
    raw = api_key_for(membership, ["metro:read"])
    assert client_a.get(SUMMARY, **key_headers(raw)).status_code == 200
    assert client_b.get(SUMMARY, **key_headers(raw)).status_code == 401
    shared = Client(HTTP_HOST=SHARED_HOST)
    assert shared.get(SUMMARY, HTTP_X_TENANT_ID="beta", **key_headers(raw)).status_code == 401
    # Rewriting the prefix to name B does not help: B's schema does not hold the key.
    forged = raw.replace("mc_alpha_", "mc_beta_", 1)
    assert client_b.get(SUMMARY, **key_headers(forged)).status_code == 401


def test_a_wrong_or_truncated_key_is_a_401(client_a: Client, tenant_a: Tenant) -> None:
    raw = api_key_for(make_member(tenant=tenant_a), ["metro:read"])
    for bad in (raw[:-1] + ("A" if raw[-1] != "A" else "B"), raw[:-5], "mc_alpha_nope", "garbage"):
        assert client_a.get(SUMMARY, **key_headers(bad)).status_code == 401


@pytest.mark.parametrize(
    ("scopes", "path", "expected"),
    [
        (["metro:read"], "/api/v1/metro/summary", 200),
        (["metro:read"], "/api/v1/users", 403),
        (["users:read"], "/api/v1/users", 200),
        (["users:read"], "/api/v1/metro/summary", 403),
        (["audit:read"], "/api/v1/audit/events", 200),
        (["sessions:read"], "/api/v1/sessions", 200),
        (["*"], "/api/v1/users", 200),
        (["*"], "/api/v1/auth/me", 403),  # a key never acts on its creator's own account
        (["*"], "/api/v1/api-keys", 403),  # nor manages keys
    ],
)
def test_scopes_are_enforced_per_endpoint(
    client_a: Client, tenant_a: Tenant, scopes: list[str], path: str, expected: int
) -> None:
    raw = api_key_for(member_with_role(tenant_a, "owner"), scopes)
    assert client_a.get(path, **key_headers(raw)).status_code == expected


def test_a_key_never_grants_more_than_its_creator_holds_now(client_a: Client, tenant_a: Tenant) -> None:
    manager = member_with_role(tenant_a, "manager")
    raw = api_key_for(manager, ["users:read", "tenant:admin"])
    assert client_a.get("/api/v1/users", **key_headers(raw)).status_code == 200
    created = client_a.post(
        "/api/v1/roles", {"name": "Nope", "permissions": []}, content_type=JSON, **key_headers(raw)
    )
    assert created.status_code == 403  # tenant:admin is in the key, not in its creator's roles
    Role.objects.get(slug="manager").assignments.filter(membership=manager).delete()
    assert client_a.get("/api/v1/users", **key_headers(raw)).status_code == 403


def test_creating_a_key_with_a_scope_one_does_not_hold_is_refused(client_a: Client, tenant_a: Tenant) -> None:
    headers = token_headers(make_member(tenant=tenant_a))
    assert _create(client_a, headers, scopes=["users:admin"]).status_code == 403
    assert _create(client_a, headers, scopes=["users:everything"]).status_code == 422
    assert _create(client_a, headers, scopes=["*"]).status_code == 201


def test_deactivating_the_creator_revokes_their_keys(client_a: Client, tenant_a: Tenant) -> None:
    member = make_member(tenant=tenant_a)
    raw = api_key_for(member, ["metro:read"])
    admin = token_headers(make_member(tenant=tenant_a, is_admin=True))
    assert client_a.post(f"/api/v1/users/{member.user_id}/deactivate", **admin).status_code == 200
    assert client_a.get(SUMMARY, **key_headers(raw)).status_code == 401
    with schema_context(tenant_a.schema_name):
        key = ApiKey.objects.get(created_by=member.user)
    assert key.revoked_at is not None
    assert key.revoke_reason == "deactivated"


def test_a_deactivated_account_stops_its_keys_at_once(client_a: Client, tenant_a: Tenant) -> None:
    member = make_member(tenant=tenant_a)
    raw = api_key_for(member, ["metro:read"])
    member.user.is_active = False
    member.user.save(update_fields=["is_active"])
    assert client_a.get(SUMMARY, **key_headers(raw)).status_code == 401


def test_an_expired_key_is_refused(client_a: Client, tenant_a: Tenant) -> None:
    raw = api_key_for(
        make_member(tenant=tenant_a), ["metro:read"], expires_at=timezone.now() + timedelta(minutes=1)
    )
    assert client_a.get(SUMMARY, **key_headers(raw)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=1, seconds=1)):
        assert client_a.get(SUMMARY, **key_headers(raw)).status_code == 401


def test_a_revoked_key_is_refused(client_a: Client, tenant_a: Tenant) -> None:
    member = make_member(tenant=tenant_a)
    headers = token_headers(member)
    body = _create(client_a, headers, scopes=["metro:read"]).json()
    assert client_a.get(SUMMARY, **key_headers(body["raw_key"])).status_code == 200
    revoked = client_a.delete(f"/api/v1/api-keys/{body['id']}", **headers)
    assert revoked.json() == {"success": True, "message": "Clé d'API révoquée.", "revoked_key_id": body["id"]}
    assert client_a.get(SUMMARY, **key_headers(body["raw_key"])).status_code == 401
    assert client_a.get("/api/v1/api-keys?include_revoked=true", **headers).json()["keys"][0]["is_revoked"]


def test_usage_is_recorded_per_request(client_a: Client, tenant_a: Tenant) -> None:
    raw = api_key_for(member_with_role(tenant_a, "owner"), ["metro:read"])
    client_a.get(SUMMARY, **key_headers(raw), REMOTE_ADDR="203.0.113.9")
    client_a.get("/api/v1/users", **key_headers(raw))
    with schema_context(tenant_a.schema_name):
        rows = list(ApiKeyUsage.objects.order_by("created_at", "id").values())
        key = ApiKey.objects.get()
    assert [(r["endpoint"], r["method"], r["status_code"]) for r in rows] == [
        ("api:metro-summary", "GET", 200),
        ("api:users", "GET", 403),
    ]
    assert rows[0]["ip"] == "203.0.113.9"
    assert all(r["latency_ms"] > 0 for r in rows)
    assert key.last_used_at is not None


def test_creating_a_key_needs_a_recent_authentication(client_a: Client, tenant_a: Tenant) -> None:
    member = make_member(tenant=tenant_a)
    stale = token_headers(member, auth_time=timezone.now() - timedelta(hours=2))
    response = _create(client_a, stale, scopes=["metro:read"])
    assert response.status_code == 403
    assert response.json()["error"] == "STEP_UP_REQUIRED"


def test_members_see_their_own_keys_and_admins_all(client_a: Client, tenant_a: Tenant) -> None:
    alice, bob = make_member(tenant=tenant_a), make_member(tenant=tenant_a)
    api_key_for(alice, ["metro:read"])
    with schema_context(tenant_a.schema_name):
        alice_key = ApiKey.objects.get(created_by=alice.user)
    bob_headers = token_headers(bob)
    assert client_a.get("/api/v1/api-keys", **bob_headers).json()["total"] == 0
    assert client_a.get(f"/api/v1/api-keys/{alice_key.pk}", **bob_headers).status_code == 404
    assert client_a.delete(f"/api/v1/api-keys/{alice_key.pk}", **bob_headers).status_code == 404
    admin = token_headers(make_member(tenant=tenant_a, is_admin=True))
    assert client_a.get("/api/v1/api-keys", **admin).json()["total"] == 1
    assert client_a.delete(f"/api/v1/api-keys/{alice_key.pk}", **admin).status_code == 200


def test_a_temporary_role_ends_for_the_key_too(client_a: Client, tenant_a: Tenant) -> None:
    member = make_member(tenant=tenant_a)
    assign(member, "manager", expires_at=timezone.now() + timedelta(minutes=2))
    raw = api_key_for(member, ["users:read"])
    assert client_a.get("/api/v1/users", **key_headers(raw)).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        assert client_a.get("/api/v1/users", **key_headers(raw)).status_code == 403
