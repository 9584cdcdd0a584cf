"""The caller's own sessions: list, get, end one, end several or all; another user's session is a 404."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client

from shared_apps.accounts.models import Membership
from tests.factories.accounts import bearer, login, make_member

pytestmark = pytest.mark.django_db

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)


def test_list_shows_own_sessions_with_device_and_current_flag(client_a: Client, member_a: Membership) -> None:
    login(Client(HTTP_HOST="alpha.testserver", HTTP_USER_AGENT=IPHONE), member_a.user.email)
    headers = bearer(login(client_a, member_a.user.email))
    other = make_member(tenant=member_a.tenant)
    login(client_a, other.user.email)
    body = client_a.get("/api/v1/sessions", **headers).json()
    assert body["total"] == 2
    assert body["active_count"] == 2
    phone = next(s for s in body["sessions"] if s["device_type"] == "mobile")
    assert phone["os"].startswith("iOS")
    assert "Safari" in phone["browser"]
    assert sum(s["is_current"] for s in body["sessions"]) == 1
    assert {s["user_id"] for s in body["sessions"]} == {str(member_a.user.pk)}


def test_another_users_session_is_404_and_cannot_be_ended(client_a: Client, member_a: Membership) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    other = make_member(tenant=member_a.tenant)
    other_tokens = login(client_a, other.user.email)
    other_sid = client_a.get("/api/v1/sessions", **bearer(other_tokens)).json()["sessions"][0]["id"]
    assert client_a.get(f"/api/v1/sessions/{other_sid}", **headers).status_code == 404
    assert client_a.delete(f"/api/v1/sessions/{other_sid}", **headers).status_code == 404
    assert client_a.get(f"/api/v1/sessions/{uuid.uuid4()}", **headers).status_code == 404
    response = client_a.delete(
        "/api/v1/sessions", {"session_ids": [other_sid]}, content_type="application/json", **headers
    )
    assert response.json()["terminated_count"] == 0
    assert client_a.get("/api/v1/auth/me", **bearer(other_tokens)).status_code == 200


def test_end_one_session_then_it_is_refused(client_a: Client, member_a: Membership) -> None:
    mine = bearer(login(client_a, member_a.user.email))
    phone_tokens = login(client_a, member_a.user.email)
    sid = client_a.get("/api/v1/sessions", **bearer(phone_tokens)).json()["sessions"]
    target = next(s["id"] for s in sid if s["is_current"])
    assert client_a.get(f"/api/v1/sessions/{target}", **mine).json()["id"] == target
    assert client_a.delete(f"/api/v1/sessions/{target}", **mine).json()["terminated_count"] == 1
    assert client_a.get("/api/v1/auth/me", **bearer(phone_tokens)).status_code == 401
    listing = client_a.get("/api/v1/sessions?include_inactive=true", **mine).json()
    assert listing["total"] == 2
    assert listing["active_count"] == 1


def test_terminate_all(client_a: Client, member_a: Membership) -> None:
    first = bearer(login(client_a, member_a.user.email))
    login(client_a, member_a.user.email)
    response = client_a.delete(
        "/api/v1/sessions", {"terminate_all": True}, content_type="application/json", **first
    )
    assert response.json()["terminated_count"] == 2
    assert client_a.get("/api/v1/auth/me", **first).status_code == 401


@pytest.mark.parametrize("body", [None, {}, {"terminate_all": False}])
def test_delete_without_ids_ends_every_other_session_but_keeps_the_current_one(
    client_a: Client, member_a: Membership, body: dict[str, object] | None
) -> None:
    current = bearer(login(client_a, member_a.user.email))
    others = [bearer(login(client_a, member_a.user.email)) for _ in range(2)]
    if body is None:
        response = client_a.delete("/api/v1/sessions", **current)
    else:
        response = client_a.delete("/api/v1/sessions", body, content_type="application/json", **current)
    assert response.status_code == 200
    assert response.json()["terminated_count"] == 2
    assert client_a.get("/api/v1/auth/me", **current).status_code == 200
    assert all(client_a.get("/api/v1/auth/me", **other).status_code == 401 for other in others)


def test_delete_with_an_empty_id_list_ends_nothing(client_a: Client, member_a: Membership) -> None:
    current = bearer(login(client_a, member_a.user.email))
    other = bearer(login(client_a, member_a.user.email))
    response = client_a.delete(
        "/api/v1/sessions", {"session_ids": []}, content_type="application/json", **current
    )
    assert response.json()["terminated_count"] == 0
    assert client_a.get("/api/v1/auth/me", **other).status_code == 200
