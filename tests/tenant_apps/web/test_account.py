"""/compte and /equipe through the forms: each action reaches the same services as the API."""

from __future__ import annotations

import json
import re
from typing import Any

import pyotp
import pytest
from django.core import mail
from django.test import Client

from shared_apps.accounts.models import Membership, User
from shared_apps.mfa.models import TOTPDevice
from shared_apps.tenants.models import Tenant
from tenant_apps.apikeys.models import ApiKey
from tenant_apps.sessions.models import UserSession
from tests.factories.accounts import PASSWORD, make_member
from tests.factories.mfa import code_for, give_mfa
from tests.support.mail import assert_french

from .conftest import browser, sign_in, text

pytestmark = pytest.mark.django_db


def test_profile_update(member_browser: Client, member_a: Membership) -> None:
    response = member_browser.post(
        "/compte/profil", {"first_name": "Jeanne", "last_name": "Martin", "phone": ""}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=member_a.user.pk).first_name == "Jeanne"
    assert "Profil enregistré." in text(member_browser.get("/compte"))


def test_password_change_keeps_this_session_and_ends_the_others(
    member_browser: Client, member_a: Membership
) -> None:
    other = browser()
    assert sign_in(other, member_a.user.email).status_code == 302
    response = member_browser.post(
        "/compte/mot-de-passe", {"current_password": PASSWORD, "new_password": "a fresh passphrase for 2027"}
    )
    assert response.status_code == 302
    assert member_browser.get("/compte").status_code == 200
    assert other.get("/compte").status_code == 302


def test_wrong_current_password_is_refused(member_browser: Client) -> None:
    response = member_browser.post(
        "/compte/mot-de-passe",
        {"current_password": "nope nope nope", "new_password": "a fresh passphrase for 2027"},
    )
    assert response.status_code == 400
    assert "Le mot de passe actuel est incorrect." in text(response)


def test_mfa_enrolment_with_the_qr_code(member_browser: Client, member_a: Membership) -> None:
    page = member_browser.post("/compte/double-authentification/qr-code")
    assert page.status_code == 200
    html = text(page)
    assert '<svg width="' in html
    assert 'class="segno"' in html
    secret = re.search(r"data-totp-secret>([A-Z2-7]+)<", html)
    assert secret
    done = member_browser.post(
        "/compte/double-authentification/activer", {"code": pyotp.TOTP(secret.group(1)).now()}
    )
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([^<]+)</code></li>", text(done))
    assert len(codes) >= 8
    assert TOTPDevice.objects.get(user=member_a.user).confirmed


def test_mfa_enrolment_refuses_a_wrong_code(member_browser: Client, member_a: Membership) -> None:
    member_browser.post("/compte/double-authentification/qr-code")
    response = member_browser.post("/compte/double-authentification/activer", {"code": "000000"})
    assert response.status_code == 400
    assert "Ce code n'est pas valide." in text(response)
    assert not TOTPDevice.objects.get(user=member_a.user).confirmed


def test_recovery_codes_renewed_with_a_code(member_a: Membership) -> None:
    kit = give_mfa(member_a.user)
    client = browser()
    token = re.search(r'name="mfa_token" value="([^"]+)"', text(sign_in(client, member_a.user.email)))
    assert token
    client.post(
        "/connexion/code", {"mfa_token": token.group(1), "code": kit.recovery_codes[0], "recovery": "on"}
    )
    response = client.post("/compte/double-authentification/codes-de-secours", {"code": code_for(kit.secret)})
    assert response.status_code == 200
    assert len(re.findall(r"<li><code>", text(response))) >= 8


def test_sessions_listed_and_ended_one_by_one_or_all_others(
    member_browser: Client, member_a: Membership
) -> None:
    second, third = browser(), browser()
    sign_in(second, member_a.user.email)
    sign_in(third, member_a.user.email)
    page = text(member_browser.get("/compte"))
    assert page.count("data-session=") == 3
    assert "cette session" in page
    target = UserSession.objects.filter(user=member_a.user).order_by("-created_at").first()
    assert target is not None
    response = member_browser.post(f"/compte/sessions/{target.pk}/fermer", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content == b""
    assert third.get("/").status_code == 302
    assert member_browser.post("/compte/sessions/fermer-les-autres").status_code == 302
    assert second.get("/").status_code == 302
    assert member_browser.get("/").status_code == 200


def test_another_persons_session_cannot_be_ended(member_browser: Client, tenant_a: Tenant) -> None:
    someone = make_member(tenant=tenant_a)
    their = browser()
    sign_in(their, someone.user.email)
    session = UserSession.objects.get(user=someone.user)
    member_browser.post(f"/compte/sessions/{session.pk}/fermer")
    assert their.get("/").status_code == 200


def test_api_key_shown_once_then_revoked(member_browser: Client, member_a: Membership) -> None:
    response = member_browser.post("/compte/cles-api", {"name": "caisse", "scopes": ["metro:read"]})
    assert response.status_code == 200
    raw = re.search(r"data-new-key>([^<]+)<", text(response))
    assert raw
    assert raw.group(1) not in text(member_browser.get("/compte"))
    api = Client(HTTP_HOST="alpha.testserver", HTTP_X_API_KEY=raw.group(1))
    assert api.get("/api/v1/metro/summary").status_code == 200
    key = ApiKey.objects.get(name="caisse")
    assert member_browser.post(f"/compte/cles-api/{key.pk}/revoquer").status_code == 302
    assert api.get("/api/v1/metro/summary").status_code == 401


def test_personal_data_download(member_browser: Client, member_a: Membership) -> None:
    response = member_browser.get("/compte/donnees-personnelles")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    body = json.loads(response.content)
    assert member_a.user.email in json.dumps(body)


def test_team_invite_and_deactivate(
    admin_browser: Client, tenant_a: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_browser.post("/equipe/inviter", {"email": "new@example.com", "first_name": "Léa"})
    assert response.status_code == 302
    assert mail.outbox
    assert "new@example.com" in mail.outbox[-1].to
    # An invitation, not a password reset the newcomer never asked for; with the link to choose a password.
    assert "invité" in mail.outbox[-1].subject
    assert "https://alpha.testserver/reset-password?token=" in mail.outbox[-1].body
    assert_french(mail.outbox[-1])
    member = Membership.objects.get(tenant=tenant_a, user__email="new@example.com")
    assert "new@example.com" in text(admin_browser.get("/equipe"))
    assert admin_browser.post(f"/equipe/{member.user_id}/desactiver").status_code == 302
    assert not Membership.objects.get(pk=member.pk).is_active


def test_team_of_another_tenant_is_not_listed(admin_browser: Client, tenant_b: Tenant) -> None:
    stranger = make_member(tenant=tenant_b)
    assert stranger.user.email not in text(admin_browser.get("/equipe"))
    assert admin_browser.post(f"/equipe/{stranger.user_id}/desactiver").status_code == 404
    assert Membership.objects.get(pk=stranger.pk).is_active
