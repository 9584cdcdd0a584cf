"""Signing in and out of the site: a cookie bound to a row of the sessions table, the API's protections."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from shared_apps.accounts.models import Membership
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions.models import UserSession
from tests.factories.accounts import PASSWORD, bearer, login, make_member
from tests.factories.mfa import code_for, give_mfa

from .conftest import browser, session_cookie, sign_in, text

pytestmark = pytest.mark.django_db


def test_signed_out_home_redirects_to_sign_in(tenant_a: Tenant) -> None:
    response = browser().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion"


def test_signed_out_page_redirects_with_the_page_to_come_back_to(tenant_a: Tenant) -> None:
    response = browser().get("/factures?magasin=x")
    assert response.status_code == 302
    assert response["Location"] == "/connexion?suivant=%2Ffactures%3Fmagasin%3Dx"


def test_sign_in_page_is_french_html(tenant_a: Tenant) -> None:
    response = browser().get("/connexion")
    assert response.status_code == 200
    html = text(response)
    assert '<html lang="fr">' in html
    assert "Mot de passe" in html


def test_sign_in_sets_an_httponly_lax_cookie_of_a_listed_session(member_a: Membership) -> None:
    client = browser()
    response = sign_in(client, member_a.user.email)
    assert response.status_code == 302
    assert response["Location"] == "/"
    cookie = response.cookies[settings.WEB_SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # plain http in tests; production sets WEB_SESSION_COOKIE_SECURE
    assert client.get("/").status_code == 200
    # The same session row the API lists.
    api = Client(HTTP_HOST="alpha.testserver")
    tokens = login(api, member_a.user.email)
    listed = api.get("/api/v1/sessions", **bearer(tokens)).json()["sessions"]
    assert len(listed) == 2
    assert UserSession.objects.filter(user=member_a.user, revoked_at__isnull=True).count() == 2


def test_cookie_is_secure_when_configured(member_a: Membership, settings: Any) -> None:
    settings.WEB_SESSION_COOKIE_SECURE = True
    response = sign_in(browser(), member_a.user.email)
    assert response.cookies[settings.WEB_SESSION_COOKIE_NAME]["secure"] is True


@pytest.mark.parametrize("email_case", ["wrong password", "unknown address"])
def test_failed_sign_in_answers_one_generic_message(member_a: Membership, email_case: str) -> None:
    email = member_a.user.email if email_case == "wrong password" else "nobody@example.com"
    response = sign_in(browser(), email, "not the password at all")
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in text(response)
    assert settings.WEB_SESSION_COOKIE_NAME not in response.cookies


def test_member_of_another_tenant_cannot_sign_in_here(tenant_b: Tenant, member_a: Membership) -> None:
    response = sign_in(browser("beta.testserver"), member_a.user.email)
    assert response.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in text(response)


def test_repeated_failures_ask_for_the_captcha(member_a: Membership) -> None:
    client = browser()
    for _ in range(settings.LOCKOUT_CAPTCHA_AFTER):
        response = sign_in(client, member_a.user.email, "wrong password!")
    html = text(response)
    assert "data-pow-challenge=" in html
    # Without the CAPTCHA even the right password is refused, with the same message.
    refused = sign_in(client, member_a.user.email)
    assert refused.status_code == 401
    assert "Adresse e-mail ou mot de passe incorrect." in text(refused)


def test_sign_in_with_a_solved_captcha_passes(member_a: Membership) -> None:
    from shared_apps.captcha import pow as proof_of_work

    client = browser()
    for _ in range(settings.LOCKOUT_CAPTCHA_AFTER):
        response = sign_in(client, member_a.user.email, "wrong password!")
    challenge = re.search(r'data-pow-challenge="([^"]+)"', text(response))
    assert challenge
    difficulty = int(re.search(r'data-pow-difficulty="(\d+)"', text(response)).group(1))  # type: ignore[union-attr]
    token = f"{challenge.group(1)}.{proof_of_work.solve(challenge.group(1), difficulty)}"
    assert sign_in(client, member_a.user.email, captcha=token).status_code == 302


def test_forms_need_the_csrf_token(member_a: Membership) -> None:
    client = browser(csrf=True)
    response = sign_in(client, member_a.user.email)
    assert response.status_code == 403
    assert "text/html" in response["Content-Type"]
    assert "Le formulaire a expiré" in text(response)
    page = client.get("/connexion")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(page))
    assert token
    assert sign_in(client, member_a.user.email, csrfmiddlewaretoken=token.group(1)).status_code == 302


def test_second_factor_step_then_session(member_a: Membership) -> None:
    kit = give_mfa(member_a.user)
    client = browser()
    first = sign_in(client, member_a.user.email)
    assert first.status_code == 200
    token = re.search(r'name="mfa_token" value="([^"]+)"', text(first))
    assert token
    wrong = client.post("/connexion/code", {"mfa_token": token.group(1), "code": "000000"})
    assert wrong.status_code == 401
    assert "Ce code n'est pas valide." in text(wrong)
    done = client.post("/connexion/code", {"mfa_token": token.group(1), "code": code_for(kit.secret)})
    assert done.status_code == 302
    session = UserSession.objects.get(user=member_a.user)
    assert session.auth_methods == ["totp"]
    assert client.get("/").status_code == 200


def test_recovery_code_signs_in_too(member_a: Membership) -> None:
    kit = give_mfa(member_a.user)
    client = browser()
    token = re.search(r'name="mfa_token" value="([^"]+)"', text(sign_in(client, member_a.user.email)))
    assert token
    response = client.post(
        "/connexion/code", {"mfa_token": token.group(1), "code": kit.recovery_codes[0], "recovery": "on"}
    )
    assert response.status_code == 302


def test_sign_out_ends_the_session_row(member_browser: Client, member_a: Membership) -> None:
    response = member_browser.post("/deconnexion")
    assert response.status_code == 302
    assert response["Location"] == "/connexion"
    assert UserSession.objects.get(user=member_a.user).revoked_at is not None
    assert member_browser.get("/").status_code == 302


def test_a_stolen_cookie_dies_with_its_session(member_browser: Client, member_a: Membership) -> None:
    stolen = session_cookie(member_browser)
    member_browser.post("/deconnexion")
    thief = browser()
    thief.cookies[settings.WEB_SESSION_COOKIE_NAME] = stolen
    response = thief.get("/")
    assert response.status_code == 302
    assert response.cookies[settings.WEB_SESSION_COOKIE_NAME].value == ""  # dropped


def test_sign_out_everywhere_from_the_api_ends_the_web_session(
    member_browser: Client, member_a: Membership
) -> None:
    api = Client(HTTP_HOST="alpha.testserver")
    tokens = login(api, member_a.user.email)
    response = api.post(
        "/api/v1/auth/logout", {"all_sessions": True}, content_type="application/json", **bearer(tokens)
    )
    assert response.status_code == 200
    assert member_browser.get("/").status_code == 302


def test_password_change_through_the_api_ends_the_web_session(
    member_browser: Client, member_a: Membership
) -> None:
    api = Client(HTTP_HOST="alpha.testserver")
    tokens = login(api, member_a.user.email)
    response = api.post(
        "/api/v1/auth/change-password",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase 2026"},
        content_type="application/json",
        **bearer(tokens),
    )
    assert response.status_code == 200, response.content
    assert member_browser.get("/").status_code == 302


def test_idle_timeout_ends_the_web_session(member_browser: Client, member_a: Membership) -> None:
    import datetime

    UserSession.objects.filter(user=member_a.user).update(
        idle_expires_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )
    assert member_browser.get("/").status_code == 302


def test_use_slides_the_idle_deadline_but_not_the_absolute_one(
    member_browser: Client, member_a: Membership, settings: Any
) -> None:
    settings.WEB_SESSION_TOUCH_SECONDS = 0
    before = UserSession.objects.get(user=member_a.user)
    assert member_browser.get("/compte").status_code == 200
    after = UserSession.objects.get(user=member_a.user)
    assert after.idle_expires_at > before.idle_expires_at
    assert after.absolute_expires_at == before.absolute_expires_at


def test_deactivated_member_is_signed_out(member_browser: Client, member_a: Membership) -> None:
    Membership.objects.filter(pk=member_a.pk).update(is_active=False)
    from shared_apps.accounts import principal_cache

    principal_cache.forget_user(member_a.user.pk)
    assert member_browser.get("/").status_code == 302


def test_mfa_policy_sends_the_member_to_enrolment_first(tenant_a: Tenant) -> None:
    tenant_a.settings = {**(tenant_a.settings or {}), "mfa_policy": "all"}
    tenant_a.save(update_fields=["settings"])
    member = make_member(tenant=tenant_a)
    client = browser()
    assert sign_in(client, member.user.email).status_code == 302
    for path in ("/", "/factures", "/compte"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/compte/double-authentification"
    assert client.get("/compte/double-authentification").status_code == 200


def test_password_reset_through_the_mail(
    member_a: Membership, django_capture_on_commit_callbacks: Any
) -> None:
    client = browser()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/mot-de-passe-oublie", {"email": member_a.user.email})
    assert response.status_code == 200
    assert "Si un compte existe" in text(response)
    link = re.search(r"https://[^/]+(/\S+)", str(mail.outbox[-1].body))
    assert link
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    token = re.search(r'name="token" value="([^"]+)"', text(page))
    assert token
    done = client.post(
        "/mot-de-passe-oublie/nouveau",
        {"token": token.group(1), "new_password": "another long passphrase 77"},
    )
    assert done.status_code == 200
    assert "Mot de passe modifié" in text(done)
    assert sign_in(browser(), member_a.user.email, "another long passphrase 77").status_code == 302


def test_password_reset_answers_alike_for_an_unknown_address(
    tenant_a: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = browser().post("/mot-de-passe-oublie", {"email": "nobody@example.com"})
    assert response.status_code == 200
    assert "Si un compte existe" in text(response)
    assert not mail.outbox


def test_an_invalid_reset_link_says_so(tenant_a: Tenant) -> None:
    response = browser().get("/mot-de-passe-oublie/nouveau?token=nope")
    assert response.status_code == 400
    assert "n'est pas valide" in text(response)


def test_sign_up_only_where_the_tenant_allows_it(tenant_a: Tenant) -> None:
    assert browser().get("/inscription").status_code == 404
    tenant_a.settings = {**(tenant_a.settings or {}), "allow_self_signup": True}
    tenant_a.save(update_fields=["settings"])
    client = browser()
    assert client.get("/inscription").status_code == 200
    response = client.post(
        "/inscription",
        {
            "first_name": "Jeanne",
            "last_name": "Martin",
            "email": "jeanne@example.com",
            "password": "une phrase de passe solide 9",
        },
    )
    assert response.status_code == 200
    assert sign_in(browser(), "jeanne@example.com", "une phrase de passe solide 9").status_code == 302


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "javascript:alert(1)"])
def test_sign_in_never_redirects_off_site(member_a: Membership, target: str) -> None:
    response = sign_in(browser(), member_a.user.email, suivant=target)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_in_returns_to_the_page_asked_for(member_a: Membership) -> None:
    response = sign_in(browser(), member_a.user.email, suivant="/factures?magasin=x")
    assert response["Location"] == "/factures?magasin=x"


def test_htmx_request_signed_out_is_told_to_redirect(tenant_a: Tenant) -> None:
    response = browser().get("/factures", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/connexion")
