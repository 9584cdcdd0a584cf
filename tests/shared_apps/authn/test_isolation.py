"""Per-endpoint cross-tenant checks for the identity routes: what exists at tenant A is invisible at tenant B.

A person who is a member of both tenants logs in at each; whatever they create or own at A (sessions,
members, audit rows, reset tokens) must not be reachable with B's token or at B's host.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shared_apps.accounts.models import Membership
from tests.factories.accounts import bearer, login, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(tenant_a: Any, tenant_b: Any) -> dict[str, Any]:
    admin = make_member(tenant=tenant_a, is_admin=True)
    Membership.objects.create(user=admin.user, tenant=tenant_b, is_admin=True)
    member_a_only = make_member(tenant=tenant_a)
    return {"admin": admin.user, "member_a_only": member_a_only.user}


def test_sessions_of_a_are_invisible_at_b(client_a: Client, client_b: Client, both: dict[str, Any]) -> None:
    tokens_a = login(client_a, both["admin"].email)
    tokens_b = login(client_b, both["admin"].email)
    sid_a = next(s["id"] for s in client_a.get("/api/v1/sessions", **bearer(tokens_a)).json()["sessions"])
    listing_b = client_b.get("/api/v1/sessions", **bearer(tokens_b)).json()
    assert sid_a not in {s["id"] for s in listing_b["sessions"]}
    assert listing_b["total"] == 1
    assert client_b.get(f"/api/v1/sessions/{sid_a}", **bearer(tokens_b)).status_code == 404
    assert client_b.delete(f"/api/v1/sessions/{sid_a}", **bearer(tokens_b)).status_code == 404
    assert client_a.get("/api/v1/auth/me", **bearer(tokens_a)).status_code == 200


def test_members_of_a_are_invisible_to_bs_admin(client_b: Client, both: dict[str, Any]) -> None:
    headers = bearer(login(client_b, both["admin"].email))
    user_id = both["member_a_only"].pk
    emails = {u["email"] for u in client_b.get("/api/v1/users", **headers).json()["users"]}
    assert both["member_a_only"].email not in emails
    for method, path in [
        ("get", f"/api/v1/users/{user_id}"),
        ("put", f"/api/v1/users/{user_id}"),
        ("delete", f"/api/v1/users/{user_id}"),
        ("post", f"/api/v1/users/{user_id}/verify"),
        ("post", f"/api/v1/users/{user_id}/activate"),
        ("post", f"/api/v1/users/{user_id}/deactivate"),
    ]:
        response = getattr(client_b, method)(path, {}, content_type="application/json", **headers)
        assert response.status_code == 404, (method, path)
    assert Membership.objects.get(user=both["member_a_only"]).is_active


def test_audit_events_of_a_are_invisible_at_b(
    client_a: Client, client_b: Client, both: dict[str, Any]
) -> None:
    login(client_a, both["member_a_only"].email)
    headers = bearer(login(client_b, both["admin"].email))
    events = client_b.get("/api/v1/audit/events?limit=100", **headers).json()["events"]
    assert all(e["user_id"] != str(both["member_a_only"].pk) for e in events)
    assert {e["event_type"] for e in events} <= {"login_succeeded", "user_created", "membership_changed"}


def test_login_at_b_of_a_member_of_a_only_fails(client_b: Client, both: dict[str, Any]) -> None:
    from tests.factories.accounts import PASSWORD

    response = client_b.post(
        "/api/v1/auth/login",
        {"email": both["member_a_only"].email, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 401
