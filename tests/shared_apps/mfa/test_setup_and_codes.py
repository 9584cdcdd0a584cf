"""Set-up, enable, status, verify, disable, recovery codes: the `mfa` endpoints with a real login."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
import time_machine
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.audit.models import AuditEvent
from shared_apps.mfa import recovery
from shared_apps.mfa.models import RecoveryCode, TOTPDevice
from tests.factories.accounts import PASSWORD, bearer, login
from tests.factories.mfa import code_for, give_mfa, login_mfa, post

pytestmark = pytest.mark.django_db


def _events(user: Any, event_type: str) -> int:
    return AuditEvent.objects.filter(user=user, event_type=event_type).count()


def _enable(client: Client, headers: dict[str, Any]) -> tuple[str, list[str]]:
    setup = post(client, "/api/v1/mfa/setup", {}, **headers)
    assert setup.status_code == 200, setup.content
    secret = setup.json()["secret"]
    enabled = post(client, "/api/v1/mfa/enable", {"code": code_for(secret)}, **headers)
    assert enabled.status_code == 200, enabled.content
    return secret, enabled.json()["recovery_codes"]


def test_setup_returns_secret_uri_and_svg_qr(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    body = post(client_a, "/api/v1/mfa/setup", {}, **headers).json()
    assert body["success"] is True
    parsed = pyotp.parse_uri(body["provisioning_uri"])
    assert parsed.secret == body["secret"]
    assert parsed.issuer == "Alpha Bistro"
    assert parsed.name == member_a.user.email
    assert body["qr_code_svg"].lstrip().startswith("<svg")
    status = client_a.get("/api/v1/mfa/status", **headers).json()
    assert status["configured"] is True
    assert status["enabled"] is False
    # Not enabled until a code is confirmed: a login still needs only the password.
    assert login(client_a, member_a.user.email)["mfa_required"] is False


def test_enable_needs_a_valid_code_and_returns_ten_recovery_codes(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    secret = post(client_a, "/api/v1/mfa/setup", {}, **headers).json()["secret"]
    wrong = post(client_a, "/api/v1/mfa/enable", {"code": "000000"}, **headers)
    if code_for(secret) != "000000":
        assert wrong.status_code == 400
        assert wrong.json()["error"] == "INVALID_MFA_CODE"
    body = post(client_a, "/api/v1/mfa/enable", {"code": code_for(secret)}, **headers).json()
    assert body["enabled"] is True
    assert len(body["recovery_codes"]) == 10
    assert len(set(body["recovery_codes"])) == 10
    status = client_a.get("/api/v1/mfa/status", **headers).json()
    assert status == status | {"enabled": True, "configured": True, "recovery_codes_remaining": 10}
    assert _events(member_a.user, "mfa_enabled") == 1
    # Me endpoints tell the truth.
    assert client_a.get("/api/v1/auth/me", **headers).json()["mfa_enabled"] is True
    assert client_a.get("/api/v1/users/me", **headers).json()["has_mfa"] is True
    # Enabled: a second set-up is refused, and the next login asks for the second factor.
    assert post(client_a, "/api/v1/mfa/setup", {}, **headers).status_code == 409
    assert login(client_a, member_a.user.email)["mfa_required"] is True


def test_recovery_codes_are_stored_hashed_with_120_bits(member_a: Membership) -> None:
    kit = give_mfa(member_a.user)
    stored = set(RecoveryCode.objects.filter(user=member_a.user).values_list("code_hash", flat=True))
    assert stored == {recovery.digest(c) for c in kit.recovery_codes}
    for code in kit.recovery_codes:
        assert code not in str(stored)
        assert len(recovery.normalise(code)) * 5 >= 112


def test_verify_accepts_once_then_refuses_the_replay(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret, steps=-1)))
    code = code_for(kit.secret)
    first = post(client_a, "/api/v1/mfa/verify", {"code": code}, **headers).json()
    assert first == {"success": True, "valid": True}
    again = post(client_a, "/api/v1/mfa/verify", {"code": code}, **headers).json()
    assert again == {"success": True, "valid": False}
    assert _events(member_a.user, "mfa_code_replayed") == 1
    # The next step's code is fine.
    clock.shift(30)
    assert post(client_a, "/api/v1/mfa/verify", {"code": code_for(kit.secret)}, **headers).json()["valid"]


def test_recovery_code_is_single_use(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret)))
    code = kit.recovery_codes[0].upper().replace("-", " ")  # case and separators do not matter
    first = post(client_a, "/api/v1/mfa/recovery/verify", {"code": code}, **headers).json()
    assert first == {"valid": True, "recovery_codes_remaining": 9}
    second = post(client_a, "/api/v1/mfa/recovery/verify", {"code": kit.recovery_codes[0]}, **headers).json()
    assert second == {"valid": False, "recovery_codes_remaining": 9}
    assert _events(member_a.user, "recovery_code_used") == 1
    assert client_a.get("/api/v1/mfa/status", **headers).json()["recovery_codes_remaining"] == 9


def test_regenerate_replaces_the_whole_set(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret, steps=-1)))
    response = post(client_a, "/api/v1/mfa/recovery/regenerate", {"code": code_for(kit.secret)}, **headers)
    assert response.status_code == 200, response.content
    fresh = response.json()["recovery_codes"]
    assert len(fresh) == 10
    assert set(fresh).isdisjoint(kit.recovery_codes)
    assert _events(member_a.user, "recovery_codes_regenerated") == 1
    old = post(client_a, "/api/v1/mfa/recovery/verify", {"code": kit.recovery_codes[1]}, **headers).json()
    assert old["valid"] is False
    new = post(client_a, "/api/v1/mfa/recovery/verify", {"code": fresh[0]}, **headers).json()
    assert new == {"valid": True, "recovery_codes_remaining": 9}


def test_regenerate_refuses_a_wrong_code(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret)))
    response = post(client_a, "/api/v1/mfa/recovery/regenerate", {"code": "not-a-code"}, **headers)
    assert response.status_code == 400
    assert RecoveryCode.objects.filter(user=member_a.user, used_at__isnull=True).count() == 10


def test_disable_needs_password_and_code(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret, steps=-1)))
    code = code_for(kit.secret)
    bad_password = post(client_a, "/api/v1/mfa/disable", {"code": code, "password": "nope nope"}, **headers)
    assert bad_password.status_code == 400
    assert bad_password.json()["error"] == "INVALID_PASSWORD"
    bad_code = post(client_a, "/api/v1/mfa/disable", {"code": "12345x", "password": PASSWORD}, **headers)
    assert bad_code.status_code == 400
    assert TOTPDevice.objects.filter(user=member_a.user).exists()
    ok = post(client_a, "/api/v1/mfa/disable", {"code": code, "password": PASSWORD}, **headers)
    assert ok.status_code == 200, ok.content
    assert ok.json()["enabled"] is False
    assert not TOTPDevice.objects.filter(user=member_a.user).exists()
    assert not RecoveryCode.objects.filter(user=member_a.user).exists()
    assert _events(member_a.user, "mfa_disabled") == 1
    assert login(client_a, member_a.user.email)["mfa_required"] is False


def test_disable_with_a_recovery_code_for_a_lost_device(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    first = login(client_a, member_a.user.email)
    tokens = post(
        client_a,
        "/api/v1/auth/login/mfa",
        {"mfa_session_token": first["mfa_session_token"], "recovery_code": kit.recovery_codes[0]},
    ).json()
    body = {"code": kit.recovery_codes[1], "password": PASSWORD}
    assert post(client_a, "/api/v1/mfa/disable", body, **bearer(tokens)).status_code == 200


def test_disable_with_the_contract_body_code_only(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret, steps=-1)))
    wrong = post(client_a, "/api/v1/mfa/disable", {"code": "000000"}, **headers)
    assert wrong.status_code == 400
    assert TOTPDevice.objects.filter(user=member_a.user).exists()
    ok = post(client_a, "/api/v1/mfa/disable", {"code": code_for(kit.secret)}, **headers)
    assert ok.status_code == 200, ok.content
    assert ok.json()["enabled"] is False
    assert not TOTPDevice.objects.filter(user=member_a.user).exists()


def test_a_recovery_code_alone_does_not_disable(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret, steps=-1)))
    refused = post(client_a, "/api/v1/mfa/disable", {"code": kit.recovery_codes[0]}, **headers)
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=member_a.user).exists()


def test_disable_is_refused_where_a_tenant_requires_mfa(
    client_a: Client, member_a: Membership, tenant_a: Any, clock: time_machine.Traveller
) -> None:
    from shared_apps.tenants.routing import clear_routing_cache

    kit = give_mfa(member_a.user)
    tenant_a.settings = {"mfa_policy": "required_for_all"}
    tenant_a.save(update_fields=["settings"])
    clear_routing_cache()
    headers = bearer(login_mfa(client_a, member_a.user.email, code=code_for(kit.secret)))
    body = {"code": code_for(kit.secret, steps=-1), "password": PASSWORD}
    response = post(client_a, "/api/v1/mfa/disable", body, **headers)
    assert response.status_code == 403
    assert response.json()["error"] == "MFA_REQUIRED_BY_POLICY"


def test_endpoints_answer_409_without_mfa(client_a: Client, member_a: Membership) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    for path in ("/api/v1/mfa/verify", "/api/v1/mfa/recovery/verify", "/api/v1/mfa/recovery/regenerate"):
        assert post(client_a, path, {"code": "123456"}, **headers).status_code == 409, path
    assert post(client_a, "/api/v1/mfa/enable", {"code": "123456"}, **headers).json()["error"] == (
        "MFA_NOT_CONFIGURED"
    )
    status = client_a.get("/api/v1/mfa/status", **headers).json()
    assert status == {
        "enabled": False,
        "configured": False,
        "recovery_codes_remaining": 0,
        "last_used_at": None,
        "created_at": None,
    }


def test_full_flow_setup_enable_then_login_with_mfa(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    secret, codes = _enable(client_a, headers)
    clock.shift(30)
    tokens = login_mfa(client_a, member_a.user.email, code=code_for(secret))
    assert client_a.get("/api/v1/users/me", **bearer(tokens)).status_code == 200
    assert len(codes) == 10
