"""Roles: expiry takes effect at once, is_admin confers the admin role, custom roles, no escalation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from shared_apps.accounts.models import Membership
from shared_apps.rbac.models import Role, RoleAssignment
from shared_apps.tenants.models import Tenant
from tests.factories.access import assign, member_with_role, token_headers
from tests.factories.accounts import make_member

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _role_id(slug: str) -> int:
    return int(Role.objects.get(tenant=None, slug=slug).pk)


def test_an_expired_role_grants_nothing_from_that_moment(client_a: Client, tenant_a: Tenant) -> None:
    membership = make_member(tenant=tenant_a)
    assign(membership, "manager", expires_at=timezone.now() + timedelta(minutes=5))
    headers = token_headers(membership)
    assert client_a.get("/api/v1/users", **headers).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        assert client_a.get("/api/v1/users", **headers).status_code == 403
        # the member role applies again once the temporary role has run out
        assert client_a.get("/api/v1/metro/summary", **headers).status_code == 200


def test_is_admin_confers_the_admin_role(client_a: Client, tenant_a: Tenant) -> None:
    admin = make_member(tenant=tenant_a, is_admin=True)
    headers = token_headers(admin)
    assert client_a.get("/api/v1/roles", **headers).status_code == 200
    created = client_a.post(
        "/api/v1/roles", {"name": "Bookkeeper", "permissions": ["audit:read"]}, content_type=JSON, **headers
    )
    assert created.status_code == 201, created.content
    assert created.json()["permissions"] == ["audit:read"]


def test_a_custom_role_grants_its_permissions_until_deleted(client_a: Client, tenant_a: Tenant) -> None:
    admin = token_headers(make_member(tenant=tenant_a, is_admin=True))
    member = make_member(tenant=tenant_a)
    role = client_a.post(
        "/api/v1/roles", {"name": "Auditor", "permissions": ["audit:read"]}, content_type=JSON, **admin
    ).json()
    headers = token_headers(member)
    assert client_a.get("/api/v1/audit/events", **headers).status_code == 403
    url = f"/api/v1/users/{member.user_id}/roles"
    assert client_a.post(url, {"role_id": role["id"]}, content_type=JSON, **admin).status_code == 201
    assert client_a.get("/api/v1/audit/events", **headers).status_code == 200
    listed = client_a.get(url, **admin).json()
    assert [r["role"]["slug"] for r in listed["roles"]] == ["auditor"]
    assert client_a.delete(f"/api/v1/roles/{role['id']}", **admin).status_code == 204
    assert client_a.get("/api/v1/audit/events", **headers).status_code == 403


def test_unassigning_a_role_withdraws_it(client_a: Client, tenant_a: Tenant) -> None:
    admin = token_headers(make_member(tenant=tenant_a, is_admin=True))
    member = member_with_role(tenant_a, "manager")
    headers = token_headers(member)
    assert client_a.get("/api/v1/users", **headers).status_code == 200
    url = f"/api/v1/users/{member.user_id}/roles/{_role_id('manager')}"
    assert client_a.delete(url, **admin).status_code == 204
    assert client_a.get("/api/v1/users", **headers).status_code == 403
    assert client_a.delete(url, **admin).status_code == 404


def test_read_only_replaces_the_member_role(client_a: Client, tenant_a: Tenant) -> None:
    headers = token_headers(member_with_role(tenant_a, "read-only"))
    assert client_a.get("/api/v1/metro/summary", **headers).status_code == 200
    created = client_a.post("/api/v1/api-keys", {"name": "k"}, content_type=JSON, **headers)
    assert created.status_code == 403


def test_only_an_owner_grants_the_owner_role(client_a: Client, tenant_a: Tenant) -> None:
    target = make_member(tenant=tenant_a)
    url = f"/api/v1/users/{target.user_id}/roles"
    body = {"role_id": _role_id("owner")}
    admin = token_headers(make_member(tenant=tenant_a, is_admin=True))
    refused = client_a.post(url, body, content_type=JSON, **admin)
    assert refused.status_code == 403
    assert refused.json()["error"] == "OWNER_ONLY"
    owner = token_headers(member_with_role(tenant_a, "owner"))
    assert client_a.post(url, body, content_type=JSON, **owner).status_code == 201


def test_a_custom_role_cannot_exceed_its_creator(client_a: Client, tenant_a: Tenant) -> None:
    # A manager cannot create roles at all; an admin holds everything; so test the service rule directly.
    from shared_apps.core.exceptions import PermissionDenied
    from shared_apps.rbac.services import role_create

    admin = make_member(tenant=tenant_a, is_admin=True)
    with pytest.raises(PermissionDenied):
        role_create(
            tenant=tenant_a,
            actor=admin.user,
            actor_codes=frozenset({"users:read"}),
            name="Too much",
            permissions=["users:admin"],
        )


def test_roles_cannot_be_given_to_oneself(client_a: Client, tenant_a: Tenant) -> None:
    admin = make_member(tenant=tenant_a, is_admin=True)
    url = f"/api/v1/users/{admin.user_id}/roles"
    response = client_a.post(url, {"role_id": _role_id("manager")}, content_type=JSON, **token_headers(admin))
    assert response.status_code == 403


def test_system_roles_are_read_only(client_a: Client, tenant_a: Tenant) -> None:
    admin = token_headers(make_member(tenant=tenant_a, is_admin=True))
    url = f"/api/v1/roles/{_role_id('member')}"
    assert client_a.get(url, **admin).status_code == 200
    assert client_a.put(url, {"name": "Renamed"}, content_type=JSON, **admin).status_code == 403
    assert client_a.delete(url, **admin).status_code == 403


def test_another_tenants_role_is_invisible(client_a: Client, tenant_a: Tenant, tenant_b: Tenant) -> None:
    foreign = Role.objects.create(tenant=tenant_b, slug="beta-only", name="Beta only")
    admin = token_headers(make_member(tenant=tenant_a, is_admin=True))
    assert client_a.get(f"/api/v1/roles/{foreign.pk}", **admin).status_code == 404
    assert "beta-only" not in client_a.get("/api/v1/roles", **admin).content.decode()
    target = make_member(tenant=tenant_a)
    response = client_a.post(
        f"/api/v1/users/{target.user_id}/roles", {"role_id": foreign.pk}, content_type=JSON, **admin
    )
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(role=foreign).exists()


@pytest.mark.parametrize(("is_staff", "is_superuser", "expected"), [(True, True, 200), (True, False, 403)])
def test_only_platform_staff_bypass_roles(
    client_a: Client, tenant_a: Tenant, is_staff: bool, is_superuser: bool, expected: int
) -> None:
    membership: Membership = member_with_role(tenant_a, "read-only")
    user: Any = membership.user
    user.is_staff, user.is_superuser = is_staff, is_superuser
    user.save(update_fields=["is_staff", "is_superuser"])
    assert client_a.get("/api/v1/users", **token_headers(membership)).status_code == expected


def test_expiry_must_be_in_the_future(client_a: Client, tenant_a: Tenant) -> None:
    admin = token_headers(make_member(tenant=tenant_a, is_admin=True))
    target = make_member(tenant=tenant_a)
    response = client_a.post(
        f"/api/v1/users/{target.user_id}/roles",
        {"role_id": _role_id("manager"), "expires_at": (timezone.now() - timedelta(hours=1)).isoformat()},
        content_type=JSON,
        **admin,
    )
    assert response.status_code == 400


def test_promoting_through_the_users_api_needs_users_admin(client_a: Client, tenant_a: Tenant) -> None:
    manager = token_headers(member_with_role(tenant_a, "manager"))
    target = make_member(tenant=tenant_a)
    url = f"/api/v1/users/{target.user_id}"
    assert client_a.put(url, {"first_name": "Grace"}, content_type=JSON, **manager).status_code == 200
    assert client_a.put(url, {"is_superuser": True}, content_type=JSON, **manager).status_code == 403
    target.refresh_from_db()
    assert target.is_admin is False
