"""Isolation scenarios for the identity routes (auth, users, sessions, password reset, audit).

One person administers both tenants. At tenant A they log in (a session, audit rows), a member who belongs
to A only exists, and a password-reset token for that member is pending. Probes at tenant B, with B's token,
aim at each of these; nothing of A may show up, and A's session, member and token must survive.
"""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client, TestCase

from shared_apps.accounts.models import Membership
from shared_apps.tenants.models import Tenant
from tests.factories.accounts import PASSWORD, bearer, login, make_member

from .registry import Probe, Scenario

MARKER_NAME = "Zéphyrine-Isolée"


def _domain(tenant: Tenant) -> str:
    return str(tenant.domains.get(is_primary=True).domain)


def arrange_identity(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, object]:
    admin = make_member(tenant=tenant_a, is_admin=True)
    Membership.objects.create(user=admin.user, tenant=tenant_b, is_admin=True)
    only_a = make_member(tenant=tenant_a, user__first_name=MARKER_NAME)
    client_a = Client(HTTP_HOST=_domain(tenant_a))
    tokens_a = login(client_a, admin.user.email)
    session_a = client_a.get("/api/v1/sessions", **bearer(tokens_a)).json()["sessions"][0]["id"]
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):  # the mail leaves on commit
        client_a.post(
            "/api/v1/password-reset/request", {"email": only_a.user.email}, content_type="application/json"
        )
    found = re.search(r"token=([\w\-]+)", str(mail.outbox[-1].body))
    assert found, "the reset mail carries a link with the token"
    reset_token = found[1]
    tokens_b = login(Client(HTTP_HOST=_domain(tenant_b)), admin.user.email)
    return {
        "secrets": [only_a.user.email, MARKER_NAME, session_a, tokens_a["refresh_token"]],
        "auth_b": bearer(tokens_b),
        "session_id": session_a,
        "user_id": str(only_a.user.pk),
        "email_a": only_a.user.email,
        "reset_token": reset_token,
        "refresh_a": tokens_a["refresh_token"],
        "tokens_a": tokens_a,
        "domain_a": _domain(tenant_a),
        "only_a": only_a,
    }


def tenant_a_untouched(ctx: dict[str, Any]) -> None:
    client_a = Client(HTTP_HOST=ctx["domain_a"])
    assert client_a.get("/api/v1/auth/me", **bearer(ctx["tokens_a"])).status_code == 200, "A's session ended"
    only_a = ctx["only_a"]
    only_a.refresh_from_db()
    only_a.user.refresh_from_db()
    assert only_a.is_active, "A's member was deactivated from B"
    assert not only_a.is_admin, "A's member was made admin from B"
    assert only_a.user.first_name == MARKER_NAME
    validate = client_a.get(f"/api/v1/password-reset/validate/{ctx['reset_token']}").json()
    assert validate["valid"] is True, "A's reset token was used up from B"


def _values(**names: str) -> Any:
    return lambda ctx: {key: ctx[value] for key, value in names.items()}


def _post(body: Any) -> Probe:
    return Probe(method="post", body=body)


_USER = _values(user_id="user_id")
_NEW_PASSWORD = "a brand new passphrase 77"
_SCENARIO_PROBES: dict[str, tuple[Probe, ...]] = {
    "api:auth-login": (_post(lambda ctx: {"email": ctx["email_a"], "password": PASSWORD}),),
    "api:auth-register": (
        _post(
            lambda ctx: {"email": ctx["email_a"], "password": PASSWORD, "first_name": "Xe", "last_name": "Yu"}
        ),
    ),
    "api:auth-logout": (
        _post(lambda ctx: {"session_id": ctx["session_id"], "refresh_token": ctx["refresh_a"]}),
    ),
    "api:auth-refresh": (_post(lambda ctx: {"refresh_token": ctx["refresh_a"]}),),
    "api:auth-me": (Probe(),),
    "api:auth-change-password": (
        _post(lambda ctx: {"current_password": "wrong password 123", "new_password": _NEW_PASSWORD}),
    ),
    "api:auth-verify-token": (_post(lambda ctx: {}),),
    "api:users-me": (Probe(),),
    "api:users": (Probe(),),
    "api:user-detail": (
        Probe(path_values=_USER),
        Probe(method="put", path_values=_USER, body=lambda ctx: {"first_name": "Eve", "is_superuser": True}),
        Probe(method="delete", path_values=_USER),
    ),
    "api:user-verify": (Probe(method="post", path_values=_USER, body=lambda ctx: {}),),
    "api:user-activate": (Probe(method="post", path_values=_USER, body=lambda ctx: {}),),
    "api:user-deactivate": (Probe(method="post", path_values=_USER, body=lambda ctx: {}),),
    "api:password-reset-request": (_post(lambda ctx: {"email": ctx["email_a"]}),),
    "api:password-reset-confirm": (
        _post(lambda ctx: {"token": ctx["reset_token"], "new_password": _NEW_PASSWORD}),
    ),
    "api:password-reset-validate": (Probe(path_values=_values(token="reset_token")),),
    "api:audit-events": (Probe(),),
    "api:sessions": (Probe(), Probe(method="delete", body=lambda ctx: {"session_ids": [ctx["session_id"]]})),
    "api:session-detail": (
        Probe(path_values=_values(session_id="session_id")),
        Probe(method="delete", path_values=_values(session_id="session_id")),
    ),
}

IDENTITY_SCENARIOS: dict[str, Scenario] = {
    name: Scenario(arrange=arrange_identity, probes=probes, after=tenant_a_untouched)
    for name, probes in _SCENARIO_PROBES.items()
}
