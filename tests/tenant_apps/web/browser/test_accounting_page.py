"""/comptabilite in a real browser, on a desktop and on a phone: the SIREN and chart-of-accounts forms
work, the FEC downloads under its legal name, and no Content Security Policy violation is reported."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.factories.accounts import make_member

from .conftest import LiveSite
from .test_journey import CspWatch, _context, _shot, _sign_in, csp  # noqa: F401

SIREN = "732829320"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_accounting_page_on_desktop_and_phone(
    browser: Browser,
    live_site: LiveSite,
    db: None,
    csp: CspWatch,  # noqa: F811
    artefacts: Path,
) -> None:
    admin = make_member(tenant=live_site.tenants["a"], is_admin=True)
    for name, options in (("desktop", {}), ("phone", PHONE)):
        context = _context(browser, csp, **options)
        page = context.new_page()
        _sign_in(page, live_site, admin.user.email)
        page.goto(live_site.url("a", "/comptabilite"))
        expect(page.locator("h1")).to_have_text("Comptabilité")
        if name == "desktop":
            page.fill("#siren-input", SIREN)
            page.click("#siren button[type=submit]")
            expect(page.locator(".flash")).to_contain_text("SIREN enregistré")
            page.fill("input[name='numero:purchase:20.00']", "607100")
            page.click("#comptes button[type=submit]")
            expect(page.locator(".flash")).to_contain_text("1 modification")
            with page.expect_download() as download:
                page.click("text=Télécharger le FEC")
            assert download.value.suggested_filename.startswith(f"{SIREN}FEC")
        _shot(page, artefacts, f"comptabilite-{name}")
        context.close()
    assert csp.violations == []
