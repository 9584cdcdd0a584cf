"""Step-up: a login older than STEP_UP_MAX_AGE_SECONDS needs a current code for sensitive actions."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from shared_apps.accounts.models import Membership
from tests.factories.accounts import PASSWORD, bearer, login
from tests.factories.mfa import code_for, give_mfa, login_mfa, post

pytestmark = pytest.mark.django_db
CHANGE = "/api/v1/auth/change-password"
NEW_PASSWORD = "an entirely new passphrase 91"


def test_change_password_right_after_login_needs_no_code(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    clock.shift(299)
    response = post(client_a, CHANGE, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, **headers)
    assert response.status_code == 200, response.content


def test_change_password_after_the_window_needs_a_recent_login(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    clock.shift(301)
    response = post(client_a, CHANGE, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, **headers)
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "STEP_UP_REQUIRED"
    assert body["details"] == {"max_age_seconds": 300, "code_accepted": False}


def test_a_current_code_steps_up_an_old_login(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    kit = give_mfa(member_a.user)
    tokens = login_mfa(client_a, member_a.user.email, code=code_for(kit.secret))
    clock.shift(600)
    refreshed = post(client_a, "/api/v1/auth/refresh", {"refresh_token": tokens["refresh_token"]}).json()
    headers = bearer(refreshed)  # a refresh does not renew auth_time
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    refused = post(
        client_a,
        CHANGE,
        body | {"code": "000000" if code_for(kit.secret) != "000000" else "111111"},
        **headers,
    )
    assert refused.status_code == 403
    assert refused.json()["details"]["code_accepted"] is True
    assert post(client_a, CHANGE, body, **headers).status_code == 403
    ok = post(client_a, CHANGE, body | {"code": code_for(kit.secret)}, **headers)
    assert ok.status_code == 200, ok.content


def test_step_up_is_configurable(
    client_a: Client, member_a: Membership, settings: object, clock: time_machine.Traveller
) -> None:
    settings.STEP_UP_MAX_AGE_SECONDS = 60  # type: ignore[attr-defined]
    headers = bearer(login(client_a, member_a.user.email))
    clock.shift(61)
    response = post(client_a, CHANGE, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, **headers)
    assert response.json()["error"] == "STEP_UP_REQUIRED"


def test_an_email_change_needs_a_recent_login(
    client_a: Client, admin_a: Membership, member_a: Membership, clock: time_machine.Traveller
) -> None:
    headers = bearer(login(client_a, admin_a.user.email))
    path = f"/api/v1/users/{member_a.user.pk}"
    clock.shift(301)
    body = {"email": "new-address@example.com"}
    stale = client_a.put(path, body, content_type="application/json", **headers)
    assert stale.status_code == 403
    assert stale.json()["error"] == "STEP_UP_REQUIRED"
    # Other fields need no step-up.
    name = client_a.put(path, {"first_name": "Grace"}, content_type="application/json", **headers)
    assert name.status_code == 200, name.content
    fresh = bearer(login(client_a, admin_a.user.email))
    ok = client_a.put(path, {"email": "new-address@example.com"}, content_type="application/json", **fresh)
    assert ok.status_code == 200, ok.content
    assert ok.json()["email"] == "new-address@example.com"


def test_mfa_setup_needs_a_recent_login(
    client_a: Client, member_a: Membership, clock: time_machine.Traveller
) -> None:
    headers = bearer(login(client_a, member_a.user.email))
    clock.shift(301)
    response = post(client_a, "/api/v1/mfa/setup", {}, **headers)
    assert response.status_code == 403
    assert response.json()["error"] == "STEP_UP_REQUIRED"
