"""Refresh-token rotation, reuse detection (RFC 9700 §4.14.2), idle and absolute expiry."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from shared_apps.accounts.models import Membership
from shared_apps.audit.models import AuditEvent
from tenant_apps.sessions.models import RefreshToken, UserSession
from tests.factories.accounts import bearer, login

pytestmark = pytest.mark.django_db


def _refresh(client: Client, token: str) -> Any:
    return client.post("/api/v1/auth/refresh", {"refresh_token": token}, content_type="application/json")


def test_refresh_rotates_and_the_token_is_stored_hashed(client_a: Client, member_a: Membership) -> None:
    first = login(client_a, member_a.user.email)
    assert len(first["refresh_token"]) >= 43  # ≥ 256 bits, URL-safe
    assert not RefreshToken.objects.filter(token_hash=first["refresh_token"]).exists()
    second = _refresh(client_a, first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    assert client_a.get("/api/v1/auth/me", **bearer(second)).status_code == 200
    assert RefreshToken.objects.filter(used_at__isnull=False).count() == 1


def test_reuse_of_a_used_token_revokes_the_whole_family(client_a: Client, member_a: Membership) -> None:
    first = login(client_a, member_a.user.email)
    second = _refresh(client_a, first["refresh_token"]).json()
    reuse = _refresh(client_a, first["refresh_token"])
    assert reuse.status_code == 401
    assert reuse.json()["error"] == "INVALID_REFRESH_TOKEN"
    # The thief's copy and the legitimate successor are both dead, and so is the access token.
    assert _refresh(client_a, second["refresh_token"]).status_code == 401
    assert client_a.get("/api/v1/auth/me", **bearer(second)).status_code == 401
    session = UserSession.objects.get(user=member_a.user)
    assert session.revoked_at is not None
    assert session.revoke_reason == "token_reuse"
    assert AuditEvent.objects.filter(user=member_a.user, event_type="token_reuse_detected").exists()


def test_unknown_refresh_token_is_401(client_a: Client) -> None:
    assert _refresh(client_a, "not-a-token").status_code == 401


def test_refresh_token_of_tenant_a_is_unknown_at_tenant_b(
    client_a: Client, client_b: Client, member_a: Membership, tenant_b: Any
) -> None:
    Membership.objects.create(user=member_a.user, tenant=tenant_b)
    tokens = login(client_a, member_a.user.email)
    assert _refresh(client_b, tokens["refresh_token"]).status_code == 401
    assert _refresh(client_a, tokens["refresh_token"]).status_code == 200


def test_absolute_expiry_is_never_extended_by_sliding(
    client_a: Client, member_a: Membership, tenant_a: Any
) -> None:
    tenant_a.settings = {"session_absolute_timeout_seconds": 3600, "session_idle_timeout_seconds": 1800}
    tenant_a.save(update_fields=["settings"])
    tokens = login(client_a, member_a.user.email)
    start = time.time()
    # Every 20 minutes a refresh slides the idle deadline (30 min) ...
    for minutes in (20, 40, 55):
        with time_machine.travel(start + minutes * 60, tick=False):
            response = _refresh(client_a, tokens["refresh_token"])
            assert response.status_code == 200, minutes
            tokens = response.json()
    assert tokens["expires_in"] <= 5 * 60 + 1  # the last access token ends with the session
    # ... but never past the absolute deadline of one hour.
    with time_machine.travel(start + 61 * 60, tick=False):
        assert _refresh(client_a, tokens["refresh_token"]).status_code == 401
        assert client_a.get("/api/v1/auth/me", **bearer(tokens)).status_code == 401


def test_idle_timeout(client_a: Client, member_a: Membership, tenant_a: Any) -> None:
    tenant_a.settings = {"session_idle_timeout_seconds": 600}
    tenant_a.save(update_fields=["settings"])
    tokens = login(client_a, member_a.user.email)
    with time_machine.travel(time.time() + 11 * 60, tick=False):
        assert _refresh(client_a, tokens["refresh_token"]).status_code == 401


def test_tenant_settings_only_shorten_the_platform_limits(
    client_a: Client, member_a: Membership, tenant_a: Any, settings: Any
) -> None:
    tenant_a.settings = {"session_absolute_timeout_seconds": 10**9, "session_idle_timeout_seconds": 10**9}
    tenant_a.save(update_fields=["settings"])
    login(client_a, member_a.user.email)
    session = UserSession.objects.get(user=member_a.user)
    lifetime = session.absolute_expires_at - session.created_at
    assert lifetime <= timedelta(seconds=settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS + 1)
    assert session.idle_expires_at - session.created_at <= timedelta(
        seconds=settings.SESSION_IDLE_TIMEOUT_SECONDS + 1
    )


def test_default_absolute_expiry_is_thirty_days(client_a: Client, member_a: Membership) -> None:
    login(client_a, member_a.user.email)
    session = UserSession.objects.get(user=member_a.user)
    assert abs((session.absolute_expires_at - timezone.now()) - timedelta(days=30)) < timedelta(minutes=1)


def test_refresh_refused_once_the_membership_is_gone(client_a: Client, member_a: Membership) -> None:
    tokens = login(client_a, member_a.user.email)
    Membership.objects.filter(pk=member_a.pk).update(is_active=False)
    assert _refresh(client_a, tokens["refresh_token"]).status_code == 401
