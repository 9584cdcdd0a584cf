"""OAuth sign-in against a fake provider on loopback (real HTTP): PKCE, a signed single-use state bound to
its tenant, identities keyed by (provider, subject), linking and unlinking rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from shared_apps.accounts.models import Membership, User
from shared_apps.oauth.models import OAuthIdentity
from shared_apps.tenants.models import Tenant
from tests.conftest import SHARED_HOST, TENANT_A
from tests.factories.access import token_headers
from tests.factories.accounts import make_member, make_user
from tests.support.fake_oauth import FakeProvider, fake_oauth_provider

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]
RETURN_A = "http://alpha.testserver/after-login"
JSON = "application/json"


@pytest.fixture
def fake(settings: Any) -> Iterator[FakeProvider]:
    with fake_oauth_provider() as provider:
        settings.OAUTH_PROVIDERS = provider.settings()
        settings.OAUTH_CALLBACK_BASE_URL = f"http://{SHARED_HOST}/oauth/callback"
        provider.signed_in = {
            "sub": "g-1001",
            "email": "zoe@example.org",
            "email_verified": True,
            "name": "Zoé",
        }
        yield provider


@pytest.fixture
def signup_open(tenant_a: Tenant) -> None:
    tenant_a.settings = {**(tenant_a.settings or {}), "allow_self_signup": True}
    tenant_a.save(update_fields=["settings"])


def _start(
    client: Client, provider: str = "google", path: str = "authorize", **headers: Any
) -> dict[str, Any]:
    response = client.get(f"/api/v1/oauth/{provider}/{path}", {"redirect_uri": RETURN_A}, **headers)
    assert response.status_code == 200, response.content
    return response.json()


def _browser(auth_url: str) -> tuple[str, str]:
    """The browser: at the provider (real HTTP), then at our single callback host, then back at the
    tenant's return URL. Returns the (code, state) the tenant's front receives."""
    at_provider = httpx2.get(auth_url, follow_redirects=False)
    assert at_provider.status_code == 302
    bounce_url = urlsplit(at_provider.headers["location"])
    assert bounce_url.netloc == SHARED_HOST
    bounced = Client(HTTP_HOST=SHARED_HOST).get(bounce_url.path, parse_qs(bounce_url.query))
    assert bounced.status_code == 302, bounced.content
    back = urlsplit(bounced["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == RETURN_A
    query = parse_qs(back.query)
    return query["code"][0], query["state"][0]


def _callback(client: Client, code: str, state: str, provider: str = "google") -> Any:
    return client.get(f"/api/v1/oauth/{provider}/callback", {"code": code, "state": state})


def _signed_in(client: Client, provider: str = "google") -> Any:
    code, state = _browser(_start(client, provider)["auth_url"])
    return _callback(client, code, state, provider)


def test_the_authorization_url_uses_pkce_s256_and_the_single_callback(
    client_a: Client, fake: FakeProvider
) -> None:
    query = parse_qs(urlsplit(_start(client_a)["auth_url"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert query["redirect_uri"] == [f"http://{SHARED_HOST}/oauth/callback/google"]
    assert "code_verifier" not in query


def test_a_linked_identity_signs_in(client_a: Client, fake: FakeProvider, tenant_a: Tenant) -> None:
    member = make_member(tenant=tenant_a)
    OAuthIdentity.objects.create(user=member.user, provider="google", subject="g-1001")
    response = _signed_in(client_a)
    assert response.status_code == 200, response.content
    tokens = response.json()["tokens"]
    me = client_a.get("/api/v1/auth/me", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}")
    assert me.json()["user_id"] == str(member.user.pk)
    assert fake.token_requests[-1]["code_verifier"]  # the verifier went to the token endpoint


def test_a_new_person_registers_through_the_provider(
    client_a: Client, fake: FakeProvider, signup_open: None
) -> None:
    body = _signed_in(client_a).json()
    assert body["requires_registration"] is True
    assert "tokens" not in body
    done = client_a.post(
        "/api/v1/oauth/complete-registration",
        {"oauth_session_token": body["oauth_session_token"], "first_name": "Zoé", "last_name": "Martin"},
        content_type=JSON,
    )
    assert done.status_code == 201, done.content
    user = User.objects.get(email="zoe@example.org")
    assert not user.has_usable_password()
    assert OAuthIdentity.objects.filter(user=user, provider="google", subject="g-1001").exists()


def test_github_profiles_are_read_from_user_and_emails(
    client_a: Client, fake: FakeProvider, tenant_a: Tenant
) -> None:
    member = make_member(tenant=tenant_a)
    fake.signed_in = {"sub": "4242", "email": "octo@example.org", "email_verified": True, "name": "Octo"}
    OAuthIdentity.objects.create(user=member.user, provider="github", subject="4242")
    response = _signed_in(client_a, "github")
    assert response.status_code == 200, response.content
    assert response.json()["email"] == "octo@example.org"


def test_a_tampered_state_is_refused(client_a: Client, fake: FakeProvider) -> None:
    code, state = _browser(_start(client_a)["auth_url"])
    response = _callback(client_a, code, state[:-2] + ("AA" if not state.endswith("AA") else "BB"))
    assert response.status_code == 400
    assert response.json()["error"] == "OAUTH_INVALID_STATE"


def test_an_expired_state_is_refused(client_a: Client, fake: FakeProvider) -> None:
    code, state = _browser(_start(client_a)["auth_url"])
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert _callback(client_a, code, state).status_code == 400


def test_a_replayed_state_is_refused(client_a: Client, fake: FakeProvider, tenant_a: Tenant) -> None:
    OAuthIdentity.objects.create(user=make_member(tenant=tenant_a).user, provider="google", subject="g-1001")
    code, state = _browser(_start(client_a)["auth_url"])
    assert _callback(client_a, code, state).status_code == 200
    replay = _callback(client_a, code, state)
    assert replay.status_code == 400
    assert replay.json()["error"] == "OAUTH_STATE_USED"


def test_a_replayed_code_is_refused_by_the_provider(
    client_a: Client, fake: FakeProvider, tenant_a: Tenant
) -> None:
    OAuthIdentity.objects.create(user=make_member(tenant=tenant_a).user, provider="google", subject="g-1001")
    code, state = _browser(_start(client_a)["auth_url"])
    assert _callback(client_a, code, state).status_code == 200
    _, fresh_state = _browser(_start(client_a)["auth_url"])
    replay = _callback(client_a, code, fresh_state)  # an intercepted code with a new flow of the attacker
    assert replay.status_code == 400
    assert replay.json()["error"] == "OAUTH_CODE_REJECTED"


def test_a_state_of_tenant_a_is_refused_at_tenant_b(
    client_a: Client, client_b: Client, fake: FakeProvider
) -> None:
    code, state = _browser(_start(client_a)["auth_url"])
    response = _callback(client_b, code, state)
    assert response.status_code == 400
    assert response.json()["error"] == "OAUTH_TENANT_MISMATCH"
    assert fake.token_requests == []  # refused before the code was spent


def test_a_return_url_outside_the_tenants_domains_is_refused(client_a: Client, fake: FakeProvider) -> None:
    for url in ("http://beta.testserver/x", "https://evil.example/x", "javascript:alert(1)"):
        response = client_a.get("/api/v1/oauth/google/authorize", {"redirect_uri": url})
        # Not a URL at all fails validation (422); a URL elsewhere is refused by the rule (400).
        assert response.status_code == (422 if url.startswith("javascript") else 400), url


def test_an_unverified_email_never_links_to_an_existing_account(
    client_a: Client, fake: FakeProvider, tenant_a: Tenant
) -> None:
    tenant_a.settings = {**(tenant_a.settings or {}), "oauth_link_verified_email": True}
    tenant_a.save(update_fields=["settings"])
    victim = make_member(tenant=tenant_a, user__email="zoe@example.org")
    fake.signed_in = {**fake.signed_in, "email_verified": False}
    response = _signed_in(client_a)
    assert response.status_code == 400
    assert not OAuthIdentity.objects.filter(user=victim.user).exists()


@pytest.mark.parametrize("taken", [True, False], ids=["address-with-account", "free-address"])
def test_an_unverified_email_cannot_sign_up_nor_tell_whether_the_address_has_an_account(
    client_a: Client, fake: FakeProvider, tenant_a: Tenant, signup_open: None, taken: bool
) -> None:
    """Pre-account hijacking: no account is created on an address the provider does not vouch for, and
    the answer is the same whether or not the address already has an account."""
    if taken:
        make_member(tenant=tenant_a, user__email="zoe@example.org")
    fake.signed_in = {**fake.signed_in, "email_verified": False}
    response = _signed_in(client_a)
    assert response.status_code == 400
    assert response.json()["error"] == "OAUTH_EMAIL_UNVERIFIED"
    assert "oauth_session_token" not in response.json()
    assert User.objects.filter(email="zoe@example.org").count() == (1 if taken else 0)


@pytest.mark.parametrize(("tenant_allows", "linked"), [(True, True), (False, False)])
def test_a_verified_email_links_only_where_the_tenant_allows_it(
    client_a: Client, fake: FakeProvider, tenant_a: Tenant, tenant_allows: bool, linked: bool
) -> None:
    tenant_a.settings = {**(tenant_a.settings or {}), "oauth_link_verified_email": tenant_allows}
    tenant_a.save(update_fields=["settings"])
    member = make_member(tenant=tenant_a, user__email="zoe@example.org")
    response = _signed_in(client_a)
    assert (response.status_code == 200) is linked
    assert OAuthIdentity.objects.filter(user=member.user).exists() is linked


def test_the_link_flow_adds_an_identity_to_the_signed_in_account(
    client_a: Client, fake: FakeProvider, tenant_a: Tenant
) -> None:
    member = make_member(tenant=tenant_a, user__email="someone.else@example.org")
    headers = token_headers(member)
    code, state = _browser(_start(client_a, path="link", **headers)["auth_url"])
    response = _callback(client_a, code, state)
    assert response.json()["linked"] is True
    accounts = client_a.get("/api/v1/oauth/accounts", **headers).json()["accounts"]
    assert [(a["provider"], a["email"]) for a in accounts] == [("google", "zoe@example.org")]
    assert client_a.get("/api/v1/oauth/google/link", {"redirect_uri": RETURN_A}).status_code == 401


def test_an_identity_of_another_account_cannot_be_linked(
    client_a: Client, fake: FakeProvider, tenant_a: Tenant
) -> None:
    OAuthIdentity.objects.create(user=make_member(tenant=tenant_a).user, provider="google", subject="g-1001")
    headers = token_headers(make_member(tenant=tenant_a))
    code, state = _browser(_start(client_a, path="link", **headers)["auth_url"])
    assert _callback(client_a, code, state).status_code == 409


def test_unlink_is_refused_when_it_would_leave_no_way_to_sign_in(client_a: Client, tenant_a: Tenant) -> None:
    membership = make_member(tenant=tenant_a, user=make_user(password="!unusable"))
    OAuthIdentity.objects.create(user=membership.user, provider="google", subject="g-1")
    headers = token_headers(membership)
    refused = client_a.post("/api/v1/oauth/unlink", {"provider": "google"}, content_type=JSON, **headers)
    assert refused.status_code == 409
    assert refused.json()["error"] == "OAUTH_LAST_SIGN_IN_METHOD"
    OAuthIdentity.objects.create(user=membership.user, provider="github", subject="gh-1")
    allowed = client_a.post("/api/v1/oauth/unlink", {"provider": "google"}, content_type=JSON, **headers)
    assert allowed.status_code == 200
    assert list(OAuthIdentity.objects.filter(user=membership.user).values_list("provider", flat=True)) == [
        "github"
    ]


def test_unlink_is_allowed_with_a_password(client_a: Client, tenant_a: Tenant) -> None:
    membership = make_member(tenant=tenant_a)
    OAuthIdentity.objects.create(user=membership.user, provider="google", subject="g-1")
    response = client_a.post(
        "/api/v1/oauth/unlink", {"provider": "google"}, content_type=JSON, **token_headers(membership)
    )
    assert response.status_code == 200


def test_a_member_of_another_tenant_only_cannot_sign_in_here(
    client_a: Client, fake: FakeProvider, tenant_b: Tenant
) -> None:
    stranger = Membership.objects.create(user=make_user(), tenant=tenant_b)
    OAuthIdentity.objects.create(user=stranger.user, provider="google", subject="g-1001")
    assert _signed_in(client_a).status_code == 403


def test_the_providers_list(client_a: Client, fake: FakeProvider, settings: Any) -> None:
    settings.OAUTH_PROVIDERS = {**settings.OAUTH_PROVIDERS, "github": {}}
    body = client_a.get("/api/v1/oauth/providers").json()
    assert {p["provider"]: p["enabled"] for p in body["providers"]} == {"google": True, "github": False}
    assert client_a.get("/api/v1/oauth/github/authorize", {"redirect_uri": RETURN_A}).status_code == 404


def test_the_bounce_refuses_a_bad_state(fake: FakeProvider) -> None:
    response = Client(HTTP_HOST=SHARED_HOST).get("/oauth/callback/google", {"code": "x", "state": "forged"})
    assert response.status_code == 400


def test_the_return_url_host_is_the_tenants(client_a: Client, fake: FakeProvider) -> None:
    assert TENANT_A["domain"] in RETURN_A


@pytest.mark.parametrize("provider", ["myspace", "google"])
def test_an_unavailable_provider_is_404_before_the_query_is_read(
    client_a: Client, settings: Any, provider: str
) -> None:
    settings.OAUTH_PROVIDERS = {}  # nothing configured: google is known but not available
    response = client_a.get(f"/api/v1/oauth/{provider}/authorize")
    assert response.status_code == 404
    assert response.json()["error"] == "OAUTH_PROVIDER_UNKNOWN"
