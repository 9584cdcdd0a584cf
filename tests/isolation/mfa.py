"""Isolation scenarios for the MFA routes.

The MFA device is the person's, global (public schema); what isolates it is the token: one minted at
tenant A is refused at tenant B even when its holder is also a member of B. A person who belongs to both
tenants enables MFA, logs in at A with it and leaves a second login pending at A (an mfa_session_token).
Every MFA probe is then sent to tenant B with A's token and current, valid codes; none may act: the device,
its last accepted step, the recovery codes and A's pending login must all be as they were.
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.accounts.models import Membership
from shared_apps.mfa.models import RecoveryCode, TOTPDevice
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions.services import mfa_challenge_peek
from tests.factories.accounts import PASSWORD, bearer, login, make_member
from tests.factories.mfa import code_for, give_mfa, login_mfa

from .registry import Probe, Scenario


def _domain(tenant: Tenant) -> str:
    return str(tenant.domains.get(is_primary=True).domain)


def arrange_mfa(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, object]:
    person = make_member(tenant=tenant_a)
    Membership.objects.create(user=person.user, tenant=tenant_b)
    kit = give_mfa(person.user)
    client_a = Client(HTTP_HOST=_domain(tenant_a))
    # The previous step's code logs in, so the current one is still unused for the probes.
    tokens_a = login_mfa(client_a, person.user.email, code=code_for(kit.secret, steps=-1))
    pending = login(client_a, person.user.email)["mfa_session_token"]
    device = TOTPDevice.objects.get(user=person.user)
    return {
        "secrets": [person.user.email, kit.secret, *kit.recovery_codes, tokens_a["refresh_token"]],
        "auth_b": bearer(tokens_a),
        "code": code_for(kit.secret),
        "recovery_code": kit.recovery_codes[0],
        "pending": pending,
        "user": person.user,
        "secret": kit.secret,
        "last_t": device.last_t,
        "schema_a": tenant_a.schema_name,
        "domain_a": _domain(tenant_a),
        "tokens_a": tokens_a,
    }


def mfa_untouched(ctx: dict[str, Any]) -> None:
    device = TOTPDevice.objects.get(user=ctx["user"])
    assert device.confirmed, "MFA was disabled from B"
    assert device.secret == ctx["secret"], "the secret was replaced from B"
    assert device.last_t == ctx["last_t"], "a code was accepted at B"
    assert RecoveryCode.objects.filter(user=ctx["user"], used_at__isnull=True).count() == 10
    with schema_context(ctx["schema_a"]):
        assert mfa_challenge_peek(token=ctx["pending"]) is not None, "A's pending login was used at B"
    client_a = Client(HTTP_HOST=ctx["domain_a"])
    assert client_a.get("/api/v1/mfa/status", **bearer(ctx["tokens_a"])).json()["enabled"] is True


def _post(body: Any) -> tuple[Probe, ...]:
    return (Probe(method="post", body=body),)


_MFA_PROBES: dict[str, tuple[Probe, ...]] = {
    "api:auth-login-mfa": _post(lambda ctx: {"mfa_session_token": ctx["pending"], "totp_code": ctx["code"]})
    + _post(lambda ctx: {"mfa_session_token": ctx["pending"], "recovery_code": ctx["recovery_code"]}),
    "api:mfa-setup": _post(lambda ctx: {}),
    "api:mfa-enable": _post(lambda ctx: {"code": ctx["code"]}),
    "api:mfa-disable": _post(lambda ctx: {"code": ctx["code"], "password": PASSWORD}),
    "api:mfa-status": (Probe(),),
    "api:mfa-verify": _post(lambda ctx: {"code": ctx["code"]}),
    "api:mfa-recovery-verify": _post(lambda ctx: {"code": ctx["recovery_code"]}),
    "api:mfa-recovery-regenerate": _post(lambda ctx: {"code": ctx["code"]}),
}

MFA_SCENARIOS: dict[str, Scenario] = {
    name: Scenario(arrange=arrange_mfa, probes=probes, after=mfa_untouched)
    for name, probes in _MFA_PROBES.items()
}
