"""The users endpoints: profile, tenant-admin management, mass assignment, deactivation, registration."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shared_apps.accounts.models import Membership, User
from tests.factories.accounts import PASSWORD, bearer, login, make_member

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 9"


def _json(client: Client, method: str, path: str, headers: dict[str, Any], body: Any = None) -> Any:
    return getattr(client, method)(path, body or {}, content_type="application/json", **headers)


def test_me_get_and_put_ignores_privilege_fields(
    client_a: Client, member_a: Membership, tenant_b: Any
) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    body = {
        "first_name": "Grace",
        "phone": "+33612345678",
        "is_superuser": True,
        "is_staff": True,
        "is_active": False,
        "is_admin": True,
        "tenant_id": "beta",
        "email": "evil@example.com",
        "is_verified": False,
    }
    response = _json(client_a, "put", "/api/v1/users/me", headers, body)
    assert response.status_code == 200, response.content
    assert response.json()["first_name"] == "Grace"
    assert response.json()["tenant_id"] == "alpha"
    member_a.refresh_from_db()
    member_a.user.refresh_from_db()
    assert (member_a.is_admin, member_a.is_active) == (False, True)
    assert (member_a.user.is_staff, member_a.user.is_superuser, member_a.user.is_active) == (
        False,
        False,
        True,
    )
    assert member_a.user.email != "evil@example.com"
    assert member_a.user.is_verified
    assert not Membership.objects.filter(user=member_a.user, tenant=tenant_b).exists()


def test_phone_must_be_e164(client_a: Client, member_a: Membership) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    assert _json(client_a, "put", "/api/v1/users/me", headers, {"phone": "0612345678"}).status_code == 422


def test_member_cannot_use_admin_endpoints(client_a: Client, member_a: Membership) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    assert client_a.get("/api/v1/users", **headers).status_code == 403
    assert _json(client_a, "post", f"/api/v1/users/{member_a.user.pk}/verify", headers).status_code == 403
    assert client_a.get("/api/v1/audit/events", **headers).status_code == 403


def test_admin_list_shows_this_tenants_members_only(
    client_a: Client, admin_a: Membership, tenant_b: Any
) -> None:
    make_member(tenant=admin_a.tenant)
    outsider = make_member(tenant=tenant_b)
    headers = bearer(login(client_a, admin_a.user.email))
    body = client_a.get("/api/v1/users?limit=100", **headers).json()
    assert body["total"] == 2
    assert outsider.user.email not in {u["email"] for u in body["users"]}
    assert client_a.get(f"/api/v1/users/{outsider.user.pk}", **headers).status_code == 404
    assert client_a.get("/api/v1/users?limit=101", **headers).status_code == 422
    assert len(client_a.get("/api/v1/users?skip=1&limit=1", **headers).json()["users"]) == 1


def test_admin_creates_updates_and_removes_a_member(client_a: Client, admin_a: Membership) -> None:
    headers = bearer(login(client_a, admin_a.user.email))
    created = _json(
        client_a,
        "post",
        "/api/v1/users",
        headers,
        {
            "email": "New.Cook@Example.com",
            "password": NEW_PASSWORD,
            "first_name": "New",
            "last_name": "Cook",
            "phone": "",
            "is_active": True,
            "is_verified": False,
            "is_superuser": False,
            "tenant_id": "beta",
        },
    )
    assert created.status_code == 201, created.content
    user_id = created.json()["id"]
    assert created.json()["email"] == "new.cook@example.com"
    assert created.json()["tenant_id"] == "alpha"
    updated = _json(
        client_a, "put", f"/api/v1/users/{user_id}", headers, {"is_superuser": True, "last_name": "Chef"}
    )
    assert updated.json()["is_superuser"] is True
    assert updated.json()["last_name"] == "Chef"
    login(client_a, "new.cook@example.com", NEW_PASSWORD)
    assert client_a.delete(f"/api/v1/users/{user_id}", **headers).status_code == 204
    assert not Membership.objects.filter(user_id=user_id).exists()
    assert User.objects.filter(pk=user_id).exists()  # the person stays; only the membership went


def test_duplicate_email_is_409(client_a: Client, admin_a: Membership) -> None:
    headers = bearer(login(client_a, admin_a.user.email))
    body = {"email": admin_a.user.email.upper(), "password": NEW_PASSWORD}
    assert _json(client_a, "post", "/api/v1/users", headers, body).status_code == 409


def test_deactivation_revokes_sessions(client_a: Client, admin_a: Membership, member_a: Membership) -> None:
    admin = bearer(login(client_a, admin_a.user.email))
    member = bearer(login(client_a, member_a.user.email))
    response = _json(client_a, "post", f"/api/v1/users/{member_a.user.pk}/deactivate", admin)
    assert response.json()["success"] is True
    assert client_a.get("/api/v1/auth/me", **member).status_code == 401
    assert _json(client_a, "post", f"/api/v1/users/{member_a.user.pk}/activate", admin).status_code == 200
    login(client_a, member_a.user.email)


def test_admin_cannot_change_own_rights(client_a: Client, admin_a: Membership) -> None:
    headers = bearer(login(client_a, admin_a.user.email))
    response = _json(client_a, "put", f"/api/v1/users/{admin_a.user.pk}", headers, {"is_superuser": False})
    assert response.status_code == 403
    assert _json(client_a, "post", f"/api/v1/users/{admin_a.user.pk}/deactivate", headers).status_code == 403


def test_identity_of_a_shared_account_is_not_editable_by_one_tenant(
    client_a: Client, admin_a: Membership, member_a: Membership, tenant_b: Any
) -> None:
    Membership.objects.create(user=member_a.user, tenant=tenant_b)
    headers = bearer(login(client_a, admin_a.user.email))
    response = _json(
        client_a, "put", f"/api/v1/users/{member_a.user.pk}", headers, {"email": "taken@evil.test"}
    )
    assert response.status_code == 403
    assert response.json()["error"] == "SHARED_ACCOUNT"


def test_register_only_where_the_tenant_allows_it(client_a: Client, tenant_a: Any) -> None:
    body = {"email": "self@example.com", "password": NEW_PASSWORD, "first_name": "Self", "last_name": "Made"}
    assert _json(client_a, "post", "/api/v1/auth/register", {}, body).status_code == 403
    tenant_a.settings = {"allow_self_signup": True}
    tenant_a.save(update_fields=["settings"])
    response = _json(client_a, "post", "/api/v1/auth/register", {}, {**body, "is_superuser": True})
    assert response.status_code == 201, response.content
    assert response.json()["is_verified"] is False
    assert Membership.objects.get(user__email="self@example.com").is_admin is False
    login(client_a, "self@example.com", NEW_PASSWORD)


def test_change_password_revokes_other_sessions(client_a: Client, member_a: Membership) -> None:
    current = bearer(login(client_a, member_a.user.email))
    other = bearer(login(client_a, member_a.user.email))
    wrong = _json(
        client_a,
        "post",
        "/api/v1/auth/change-password",
        current,
        {"current_password": "nope nope nope", "new_password": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    response = _json(
        client_a,
        "post",
        "/api/v1/auth/change-password",
        current,
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200, response.content
    assert client_a.get("/api/v1/auth/me", **current).status_code == 200
    assert client_a.get("/api/v1/auth/me", **other).status_code == 401
    login(client_a, member_a.user.email, NEW_PASSWORD)


def test_audit_events_for_admins_filtered(
    client_a: Client, admin_a: Membership, member_a: Membership
) -> None:
    login(client_a, member_a.user.email)
    headers = bearer(login(client_a, admin_a.user.email))
    body = client_a.get(
        f"/api/v1/audit/events?event_type=login_succeeded&user_id={member_a.user.pk}", **headers
    ).json()
    assert body["total"] == 1
    assert body["events"][0]["user_id"] == str(member_a.user.pk)
