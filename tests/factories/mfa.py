"""MFA for tests: a confirmed TOTP device with a known secret, codes from pyotp (an independent
implementation of RFC 6238), and the two-step login."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pyotp
from django.test import Client
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.mfa import recovery, totp
from shared_apps.mfa.models import RecoveryCode, TOTPDevice
from tests.factories.accounts import PASSWORD, login


@dataclass(frozen=True)
class MfaKit:
    secret: str
    recovery_codes: list[str]


def give_mfa(user: User) -> MfaKit:
    """Enable MFA for `user` directly in the database (no code used yet, so every step is still open)."""
    secret = totp.secret_new()
    device = TOTPDevice(user=user, name="test", confirmed=True, confirmed_at=timezone.now())
    device.secret = secret
    device.save()
    codes = recovery.codes_new()
    RecoveryCode.objects.bulk_create([RecoveryCode(user=user, code_hash=recovery.digest(c)) for c in codes])
    return MfaKit(secret=secret, recovery_codes=codes)


def code_for(secret: str, *, steps: int = 0) -> str:
    """The code pyotp computes for `secret` now (+ `steps` time steps).

    A previous step's code is only accepted during the next step: when the current step is about to end,
    wait for the next one first, so that the check a few milliseconds later still sees it as the previous
    step (otherwise the test would fail once in a few hundred runs, at a step boundary)."""
    if steps < 0:
        remaining = totp.STEP_SECONDS - (time.time() % totp.STEP_SECONDS)
        if remaining < 3:
            time.sleep(remaining + 0.05)
    return str(pyotp.TOTP(secret).at(time.time() + steps * totp.STEP_SECONDS))


def post(client: Client, path: str, body: dict[str, Any], **headers: Any) -> Any:
    return client.post(path, body, content_type="application/json", **headers)


def login_mfa(client: Client, email: str, *, code: str, password: str = PASSWORD) -> dict[str, Any]:
    """Password, then the TOTP code: the tokens (asserting success)."""
    first = login(client, email, password)
    assert first["mfa_required"] is True, first
    response = post(
        client, "/api/v1/auth/login/mfa", {"mfa_session_token": first["mfa_session_token"], "totp_code": code}
    )
    assert response.status_code == 200, response.content
    return dict(response.json())
