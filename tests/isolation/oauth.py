"""Isolation scenarios for the OAuth routes.

At tenant A: a member of A only with a linked Google identity, and a sign-in flow started at A (its state).
At B, an administrator of both tenants probes each route (POST probes with A's registration token and
provider; GET probes carry no query string, see below); nothing of A may show up, and A's identity and
pending flow must survive unused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core import signing
from django.utils import timezone

from shared_apps.accounts.models import Membership
from shared_apps.core import crypto
from shared_apps.oauth.models import FlowPurpose, OAuthFlow, OAuthIdentity
from shared_apps.oauth.services import REGISTRATION_SALT, STATE_SALT
from shared_apps.tenants.models import Tenant
from tests.factories.access import token_headers
from tests.factories.accounts import make_member

from .registry import Probe, Scenario

MARKER_EMAIL = "oauth-only-alpha@example.org"


def arrange_oauth(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, object]:
    admin = make_member(tenant=tenant_a, is_admin=True)
    Membership.objects.create(user=admin.user, tenant=tenant_b, is_admin=True)
    only_a = make_member(tenant=tenant_a, user__email=MARKER_EMAIL)
    identity = OAuthIdentity.objects.create(
        user=only_a.user,
        provider="google",
        subject="alpha-subject-123",
        email=MARKER_EMAIL,
        name="Alpha Only",
    )
    flow = OAuthFlow.objects.create(
        nonce="alpha-nonce-xyz",
        tenant=tenant_a,
        provider="google",
        purpose=FlowPurpose.LOGIN,
        encrypted_code_verifier=crypto.encrypt("v" * 64),
        return_url="http://alpha.testserver/after-login",
        expires_at=timezone.now() + timedelta(minutes=5),
    )
    state = signing.dumps({"n": flow.nonce, "t": tenant_a.slug, "p": "google"}, salt=STATE_SALT)
    registration = signing.dumps(
        {
            "t": tenant_a.slug,
            "p": "google",
            "subject": "s",
            "email": "new-alpha@example.org",
            "email_verified": True,
            "name": "N",
            "avatar_url": "",
        },
        salt=REGISTRATION_SALT,
    )
    return {
        "secrets": [MARKER_EMAIL, "alpha-subject-123", "Alpha Only", "alpha.testserver/after-login"],
        "auth_b": token_headers(Membership.objects.get(user=admin.user, tenant=tenant_b)),
        "state": state,
        "registration": registration,
        "identity_id": identity.pk,
        "flow_id": flow.pk,
    }


def oauth_untouched(ctx: dict[str, Any]) -> None:
    assert OAuthIdentity.objects.filter(pk=ctx["identity_id"]).exists(), "A's identity was unlinked from B"
    assert OAuthFlow.objects.get(pk=ctx["flow_id"]).used_at is None, "A's sign-in state was spent at B"


# GET probes carry no query string here (the registry's probes have none): the callback with A's state and
# code at B is tests/shared_apps/oauth/test_oauth.py::test_a_state_of_tenant_a_is_refused_at_tenant_b.
_PROBES: dict[str, tuple[Probe, ...]] = {
    "api:oauth-providers": (Probe(),),
    "api:oauth-authorize": (Probe(path_values=lambda ctx: {"provider": "google"}),),
    "api:oauth-callback": (Probe(path_values=lambda ctx: {"provider": "google"}),),
    "api:oauth-complete-registration": (
        Probe(
            method="post",
            body=lambda ctx: {
                "oauth_session_token": ctx["registration"],
                "first_name": "Xe",
                "last_name": "Yu",
            },
        ),
    ),
    "api:oauth-accounts": (Probe(),),
    "api:oauth-unlink": (Probe(method="post", body=lambda ctx: {"provider": "google"}),),
    "api:oauth-link": (Probe(path_values=lambda ctx: {"provider": "google"}),),
}

OAUTH_SCENARIOS: dict[str, Scenario] = {
    name: Scenario(arrange=arrange_oauth, probes=probes, after=oauth_untouched)
    for name, probes in _PROBES.items()
}
