"""A restaurant owner's day in a real browser: sign-in, MFA enrolment, sign-in with a code, invoice upload,
figures that match the API, a second browser that signs the first out, the password reset by mail, another
tenant's refusal; and no Content Security Policy violation reported by the browser on any page."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.core import mail
from django_tenants.utils import schema_context
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from shared_apps.accounts.models import Membership
from shared_apps.mfa import totp
from tenant_apps.web.formatting import money_fr
from tests.factories.accounts import PASSWORD, make_member
from tests.factories.metro import sample_paths

from .conftest import LiveSite
from .stock_steps import count_on_a_phone, stock_pages_on_desktop

SAMPLES = ("135_11_200921", "135_11_247666")
CSP_MARKERS = ("Content Security Policy", "Content-Security-Policy")


class CspWatch:
    """Every CSP violation the browser reports: console messages and `securitypolicyviolation` events."""

    def __init__(self) -> None:
        self.violations: list[str] = []

    def attach(self, context: BrowserContext) -> None:
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', (e) => console.error("
            "'CSP violation: Content Security Policy ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        context.on("console", self._console)

    def _console(self, message: ConsoleMessage) -> None:
        if any(marker in message.text for marker in CSP_MARKERS):
            self.violations.append(f"{message.type}: {message.text}")


@pytest.fixture
def csp() -> CspWatch:
    return CspWatch()


def _context(browser: Browser, csp: CspWatch, **options: Any) -> BrowserContext:
    context = browser.new_context(locale="fr-FR", **options)
    csp.attach(context)
    return context


def _shot(page: Page, artefacts: Path, name: str) -> None:
    page.screenshot(path=str(artefacts / f"{name}.png"), full_page=True)


def _sign_in(page: Page, site: LiveSite, email: str, password: str = PASSWORD, tenant: str = "a") -> None:
    page.goto(site.url(tenant, "/connexion"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")


def _fresh_totp(secret: str, after_step: int) -> str:
    """A code of a step later than `after_step` (a step is accepted once): waits for the next one."""
    while totp.step_at(time.time()) <= after_step:
        time.sleep(0.25)
    return pyotp.TOTP(secret).now()


def _api(site: LiveSite, path: str, key: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{site.port}{path}",
        headers={"Host": f"{site.tenants['a'].slug}.localhost:{site.port}", "X-API-Key": key},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return dict(json.loads(response.read()))


def _figure(page: Page, name: str) -> str:
    return page.locator(f"[data-figure={name}]").first.inner_text().strip()


def test_owner_journey(
    browser: Browser, live_site: LiveSite, db: None, csp: CspWatch, artefacts: Path
) -> None:
    tenant = live_site.tenants["a"]
    tenant.settings = {"mfa_policy": "all"}
    tenant.save(update_fields=["settings"])
    owner = make_member(tenant=tenant, is_admin=True)
    email = owner.user.email

    first = _context(browser, csp)
    page = first.new_page()
    page.goto(live_site.url("a", "/"))
    expect(page).to_have_url(re.compile(r"/connexion$"))
    _shot(page, artefacts, "01-connexion")

    # Password, then the enrolment the tenant's policy requires before anything else.
    _sign_in(page, live_site, email)
    expect(page).to_have_url(re.compile(r"/compte/double-authentification$"))
    page.click("text=Configurer")
    secret = page.locator("[data-totp-secret]").inner_text().strip()
    expect(page.locator(".qr svg")).to_be_visible()
    _shot(page, artefacts, "02-mfa-qr")
    enrolled_step = totp.step_at(time.time())
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("text=Activer")
    recovery_codes = page.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(recovery_codes) >= 8
    _shot(page, artefacts, "03-mfa-codes")
    page.click("text=Se reconnecter")
    expect(page).to_have_url(re.compile(r"/connexion$"))

    # Meanwhile (the next TOTP step comes within 30 s): another tenant refuses this person, and the
    # password reset of a member of that other tenant goes through the mail.
    _other_tenant_checks(browser, live_site, csp, artefacts, email)

    # Sign in again, now with a code of the authenticator.
    _sign_in(page, live_site, email)
    expect(page.locator("input[name=code]")).to_be_visible()
    _shot(page, artefacts, "04-code")
    page.fill("input[name=code]", _fresh_totp(secret, enrolled_step))
    page.click("form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/$"))

    # Upload two real METRO invoices (htmx posts the form and swaps the per-file report in).
    page.goto(live_site.url("a", "/factures/import"))
    page.set_input_files("input[type=file]", [str(path) for path in sample_paths(*SAMPLES)])
    page.click("form.upload button[type=submit]")
    expect(page.locator("[data-import-summary]")).to_contain_text("2 facture(s) importée(s)", timeout=30_000)
    _shot(page, artefacts, "05-import")

    # An API key made on /compte reads the API; the pages show the same totals.
    page.goto(live_site.url("a", "/compte"))
    page.click("text=Créer une clé")
    page.fill("input[name=name]", "comparaison")
    page.click("#cles-api form button[type=submit]")
    key = page.locator("[data-new-key]").inner_text().strip()
    summary = _api(live_site, "/api/v1/metro/summary", key)
    page.goto(live_site.url("a", "/"))
    page.wait_for_selector(".chart .uplot")
    for name in ("total_ht", "total_tva", "total_ttc"):
        assert _figure(page, name) == money_fr(Decimal(str(summary[name]))), name
    _shot(page, artefacts, "06-tableau-de-bord")
    page.goto(live_site.url("a", "/factures"))
    _shot(page, artefacts, "07-factures")
    links = page.locator("#invoice-rows a").evaluate_all("links => links.map((a) => a.getAttribute('href'))")
    assert len(links) == 2
    for link in links:
        page.goto(live_site.url("a", link))
        invoice = _api(live_site, f"/api/v1/metro/factures/{link.rsplit('/', 1)[-1]}", key)
        for name in ("total_ht", "total_tva", "total_ttc"):
            assert _figure(page, name) == money_fr(Decimal(str(invoice[name]))), (link, name)
        _shot(page, artefacts, f"08-facture-{invoice['id']}")
    page.locator("table a[href^='/produits/']").first.click()
    page.wait_for_selector(".chart .uplot")
    _shot(page, artefacts, "09-produit")
    page.goto(live_site.url("a", "/produits"))
    _shot(page, artefacts, "10-produits")
    page.goto(live_site.url("a", "/equipe"))
    _shot(page, artefacts, "11-equipe")
    stock_pages_on_desktop(page, live_site, artefacts)

    # A second browser (a recovery code this time) signs the first out from /compte.
    second = _context(browser, csp, viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = second.new_page()
    _sign_in(phone, live_site, email)
    phone.fill("input[name=code]", recovery_codes[0])
    phone.check("input[name=recovery]")
    phone.click("form button[type=submit]")
    expect(phone).to_have_url(re.compile(r"/$"))
    _shot(phone, artefacts, "12-tableau-de-bord-mobile")
    count_on_a_phone(phone, live_site, key, artefacts)
    phone.goto(live_site.url("a", "/compte"))
    _shot(phone, artefacts, "13-compte-mobile")
    others = phone.locator("tr[data-session]", has_not=phone.locator("text=cette session"))
    expect(others).to_have_count(1)
    others.locator("button").click()
    expect(others).to_have_count(0)
    page.goto(live_site.url("a", "/compte"))
    expect(page).to_have_url(re.compile(r"/connexion\?suivant=%2Fcompte$"))
    _shot(page, artefacts, "14-deconnecte")

    second.close()
    first.close()
    assert csp.violations == []


def _other_tenant_checks(
    browser: Browser, site: LiveSite, csp: CspWatch, artefacts: Path, email_a: str
) -> None:
    context = _context(browser, csp)
    page = context.new_page()
    # A member of tenant A is refused at tenant B, with the generic message.
    _sign_in(page, site, email_a, tenant="b")
    expect(page.locator("[role=alert]")).to_have_text("Adresse e-mail ou mot de passe incorrect.")
    _shot(page, artefacts, "20-autre-tenant-refus")
    # The password reset of a member of tenant B, through the mail outbox.
    member_b: Membership = make_member(tenant=site.tenants["b"])
    mail.outbox.clear()
    page.goto(site.url("b", "/mot-de-passe-oublie"))
    page.fill("input[name=email]", member_b.user.email)
    page.click("form button[type=submit]")
    expect(page.locator("[role=status]")).to_contain_text("Si un compte existe")
    link = re.search(r"https://[^/]+(/\S+)", str(mail.outbox[-1].body))
    assert link
    page.goto(site.url("b", link.group(1)))
    page.fill("input[name=new_password]", "un tout nouveau mot de passe 31")
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Mot de passe modifié")
    _shot(page, artefacts, "21-reinitialisation")
    _sign_in(page, site, member_b.user.email, "un tout nouveau mot de passe 31", tenant="b")
    expect(page).to_have_url(re.compile(r"/$"))
    with schema_context(site.tenants["b"].schema_name):
        page.goto(site.url("b", "/factures"))
        expect(page.locator("#invoice-rows")).to_contain_text("Aucune facture.")
    page.goto(site.url("b", "/nulle-part"))
    expect(page.locator("h1")).to_contain_text("Page introuvable")
    _shot(page, artefacts, "22-404")
    context.close()


def test_the_csp_watch_sees_a_violation(
    browser: Browser, live_site: LiveSite, db: None, csp: CspWatch
) -> None:
    """The listener of the journey is not blind: an inline style attribute is refused and reported."""
    context = _context(browser, csp)
    page = context.new_page()
    page.goto(live_site.url("a", "/connexion"))
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_timeout(200)
    context.close()
    assert any("style-src" in violation for violation in csp.violations), csp.violations
