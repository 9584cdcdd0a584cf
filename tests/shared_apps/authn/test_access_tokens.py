"""The access token: bound to its tenant, pinned algorithm, key rotation by kid, revocation per request."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from shared_apps.accounts.models import Membership
from tenant_apps.sessions.tokens import access_token_decode
from tests.conftest import SHARED_HOST
from tests.factories.accounts import bearer, login

pytestmark = pytest.mark.django_db

REDIS_AND_DB = pytest.mark.parametrize("liveness", ["redis", "postgres"])


@pytest.fixture
def liveness_backend(request: Any, settings: Any) -> str:
    return str(request.param)


def _use(settings: Any, liveness: str) -> None:
    if liveness == "postgres":
        settings.REDIS_URL = ""


def _me(client: Client, headers: dict[str, Any], **extra: Any) -> Any:
    return client.get("/api/v1/auth/me", **headers, **extra)


def test_no_token_is_401_with_a_bearer_challenge(client_a: Client) -> None:
    response = client_a.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_of_tenant_a_is_rejected_at_tenant_b_by_host(
    client_a: Client, client_b: Client, member_a: Membership, tenant_b: Any
) -> None:
    Membership.objects.create(user=member_a.user, tenant=tenant_b)  # a member of both: still no crossing
    headers = bearer(login(client_a, member_a.user.email))
    assert _me(client_a, headers).status_code == 200
    assert _me(client_b, headers).status_code == 401


def test_token_of_tenant_a_is_rejected_at_tenant_b_by_header(
    client_a: Client, shared_client: Client, member_a: Membership, tenant_b: Any
) -> None:
    Membership.objects.create(user=member_a.user, tenant=tenant_b)
    headers = bearer(login(client_a, member_a.user.email))
    assert _me(shared_client, headers, HTTP_X_TENANT_ID="alpha").status_code == 200
    assert _me(shared_client, headers, HTTP_X_TENANT_ID="beta").status_code == 401


@pytest.mark.parametrize("liveness", ["redis", "postgres"])
def test_logout_takes_effect_on_the_next_request(
    client_a: Client, member_a: Membership, settings: Any, liveness: str
) -> None:
    _use(settings, liveness)
    headers = bearer(login(client_a, member_a.user.email))
    assert _me(client_a, headers).status_code == 200
    response = client_a.post("/api/v1/auth/logout", {}, content_type="application/json", **headers)
    assert response.status_code == 200
    assert response.json()["success"] is True
    assert _me(client_a, headers).status_code == 401


def test_the_database_row_decides_once_redis_holds_no_fact(client_a: Client, member_a: Membership) -> None:
    """Redis only caches "alive": a row revoked behind the services' back (a shell, a restore) is refused as
    soon as the cached fact is gone, and Redis never overrides the row the other way."""
    from shared_apps.core.redis_client import redis_client
    from shared_apps.core.redis_keys import redis_key
    from tenant_apps.sessions.models import UserSession

    headers = bearer(login(client_a, member_a.user.email))
    assert _me(client_a, headers).status_code == 200
    UserSession.objects.update(revoked_at=timezone.now())
    client = redis_client()
    assert client is not None
    alive = list(client.scan_iter(redis_key("authn:alive:*")))
    assert alive
    client.delete(*alive)
    assert _me(client_a, headers).status_code == 401


def test_logout_all_ends_every_session(client_a: Client, member_a: Membership) -> None:
    first = bearer(login(client_a, member_a.user.email))
    second = bearer(login(client_a, member_a.user.email))
    client_a.post("/api/v1/auth/logout", {"all_sessions": True}, content_type="application/json", **first)
    assert _me(client_a, first).status_code == 401
    assert _me(client_a, second).status_code == 401


def test_expired_token_is_rejected_even_after_it_was_accepted(client_a: Client, member_a: Membership) -> None:
    """A token is remembered as verified (tokens._verified), but its expiry is checked on every request."""
    headers = bearer(login(client_a, member_a.user.email))
    assert _me(client_a, headers).status_code == 200
    with time_machine.travel(time.time() + 16 * 60, tick=False):
        assert _me(client_a, headers).status_code == 401


def _claims(member: Membership, tenant: str = "alpha", **over: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": "massacorp",
        "aud": "massacorp-api",
        "sub": str(member.user.pk),
        "tid": tenant,
        "sid": str(uuid.uuid4()),
        "jti": "x",
        "typ": "access",
        "iat": now,
        "exp": now + 300,
        "auth_time": now,
    }
    claims.update(over)
    return claims


@pytest.mark.parametrize(
    ("headers", "algorithm", "key"),
    [
        ({"kid": "unknown"}, "HS256", "whatever-secret-key-of-enough-length-000000"),
        ({"kid": "test"}, "HS512", "test-signing-secret-that-is-long-enough-0000000000"),
        ({"kid": "test"}, "none", None),
    ],
    ids=["unknown-kid", "other-alg", "alg-none"],
)
def test_tokens_with_unknown_kid_or_other_algorithm_are_rejected(
    client_a: Client, member_a: Membership, settings: Any, headers: dict[str, Any], algorithm: str, key: Any
) -> None:
    settings.JWT_SIGNING_KEYS = ["test:test-signing-secret-that-is-long-enough-0000000000"]
    token = jwt.encode(_claims(member_a), key, algorithm=algorithm, headers=headers)
    assert _me(client_a, {"HTTP_AUTHORIZATION": f"Bearer {token}"}).status_code == 401
    with pytest.raises(Exception, match=r"."):
        access_token_decode(token)


def test_rotated_key_still_verifies_until_removed(
    client_a: Client, member_a: Membership, settings: Any
) -> None:
    settings.JWT_SIGNING_KEYS = ["old:old-secret-0123456789abcdef0123456789abcdef"]
    headers = bearer(login(client_a, member_a.user.email))
    assert jwt.get_unverified_header(headers["HTTP_AUTHORIZATION"][7:])["kid"] == "old"
    settings.JWT_SIGNING_KEYS = [
        "new:new-secret-0123456789abcdef0123456789abcdef",
        "old:old-secret-0123456789abcdef0123456789abcdef",
    ]
    assert _me(client_a, headers).status_code == 200
    fresh = bearer(login(client_a, member_a.user.email))
    assert jwt.get_unverified_header(fresh["HTTP_AUTHORIZATION"][7:])["kid"] == "new"
    settings.JWT_SIGNING_KEYS = ["new:new-secret-0123456789abcdef0123456789abcdef"]
    assert _me(client_a, headers).status_code == 401
    assert _me(client_a, fresh).status_code == 200


def test_access_token_claims(client_a: Client, member_a: Membership) -> None:
    token = login(client_a, member_a.user.email)["access_token"]
    payload = jwt.decode(token, options={"verify_signature": False})
    assert {"iss", "aud", "sub", "tid", "sid", "jti", "typ", "auth_time", "exp", "iat"} <= set(payload)
    assert payload["sub"] == str(member_a.user.pk)
    assert payload["tid"] == "alpha"
    assert payload["typ"] == "access"
    assert payload["exp"] - payload["iat"] <= 900
    assert jwt.get_unverified_header(token)["alg"] == "HS256"


def test_deactivated_user_is_refused_on_the_next_request(client_a: Client, member_a: Membership) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    member_a.user.is_active = False
    member_a.user.save(update_fields=["is_active"])
    assert _me(client_a, headers).status_code == 401


def test_inactive_membership_is_forbidden(client_a: Client, member_a: Membership) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    Membership.objects.filter(pk=member_a.pk).update(is_active=False)
    assert _me(client_a, headers).status_code == 403


def test_public_views_need_no_token(client_a: Client) -> None:
    assert client_a.get("/api/v1/info", HTTP_AUTHORIZATION="Bearer garbage").status_code == 200


def test_verify_token(client_a: Client, member_a: Membership) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    response = client_a.post("/api/v1/auth/verify-token", **headers)
    assert response.json() == {"success": True, "data": {"user_id": str(member_a.user.pk), "valid": True}}


def test_shared_host_is_usable(member_a: Membership) -> None:
    client = Client(HTTP_HOST=SHARED_HOST, HTTP_X_TENANT_ID="alpha")
    assert _me(client, bearer(login(client, member_a.user.email))).status_code == 200
