"""Every page of the site: signed out it sends to /connexion, signed in it answers French HTML under the
strict CSP; 403/404 are pages; nothing of another tenant shows."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, get_resolver
from django_tenants.utils import schema_context

from shared_apps.accounts.models import Membership
from shared_apps.rbac.enums import SystemRole
from shared_apps.rbac.models import Role, RoleAssignment
from shared_apps.tenants.models import Tenant
from tenant_apps.catalog.models import Product
from tenant_apps.metro.models import Invoice
from tenant_apps.web.formatting import money_fr
from tests.factories.accounts import bearer, login, make_member
from tests.factories.metro import import_samples

from .conftest import browser, session_cookie, sign_in, text

pytestmark = pytest.mark.django_db

SAMPLES = ("135_11_200921", "135_11_247666")
PUBLIC_PAGES = {
    "sign-in",
    "second-factor",
    "sign-up",
    "reset-request",
    "reset-confirm",
    "reset-link",
    "sign-out",
}


def _web_routes() -> list[tuple[str, str]]:
    resolver = get_resolver("tenant_apps.web.urls")
    routes = []
    for pattern in resolver.url_patterns:
        assert isinstance(pattern, URLPattern)
        path = str(pattern.pattern)
        path = re.sub(r"<uuid:\w+>", str(uuid.uuid4()), path)
        path = re.sub(r"<int:\w+>", "999999", path)
        routes.append((str(pattern.name), "/" + path))
    return routes


ROUTES = _web_routes()
PRIVATE = [(name, path) for name, path in ROUTES if name not in PUBLIC_PAGES]


@pytest.mark.parametrize(("name", "path"), PRIVATE, ids=[name for name, _ in PRIVATE])
def test_every_private_page_needs_a_signed_in_member(tenant_a: Tenant, name: str, path: str) -> None:
    response = browser().get(path)
    assert response.status_code in (302, 405), (name, response.status_code)
    if response.status_code == 302:
        assert response["Location"].startswith("/connexion")


@pytest.mark.parametrize(("name", "path"), ROUTES, ids=[name for name, _ in ROUTES])
def test_every_page_carries_the_strict_csp(tenant_a: Tenant, name: str, path: str) -> None:
    policy = browser().get(path)["Content-Security-Policy"]
    assert re.search(r"script-src 'self' 'nonce-[^']+';", policy)
    assert "style-src 'self';" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def test_pages_have_no_inline_style_and_only_nonced_scripts(admin_browser: Client, tenant_a: Tenant) -> None:
    import_samples(tenant_a, *SAMPLES)
    product = Product.objects.order_by("-total_gross").first()
    invoice = Invoice.objects.first()
    assert product is not None
    assert invoice is not None
    for path in (
        "/",
        "/factures",
        f"/factures/{invoice.pk}",
        "/produits",
        f"/produits/{product.pk}",
        "/compte",
        "/compte/double-authentification",
        "/factures/import",
        "/equipe",
        "/stock",
        "/stock/inventaire",
        "/stock/ecarts",
    ):
        response = admin_browser.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
        assert nonce
        assert " style=" not in html, path
        assert "<style" not in html, path
        for attrs in re.findall(r"<script([^>]*)>", html):
            if 'type="application/json"' in attrs:
                continue
            assert f'nonce="{nonce.group(1)}"' in attrs, (path, attrs)
            assert "src=" in attrs, (path, attrs)
        assert not re.search(r'(src|href)="https?://', html), path


def test_unknown_page_is_a_french_404_page(member_browser: Client) -> None:
    for client in (member_browser, browser()):
        response = client.get("/nulle-part")
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        assert '<html lang="fr">' in text(response)
        assert "Page introuvable" in text(response)
    # The API keeps its JSON error body.
    assert browser().get("/api/v1/nulle-part")["Content-Type"] == "application/json"


def test_missing_invoice_and_product_are_404_pages(member_browser: Client) -> None:
    for path in ("/factures/999999", "/produits/999999"):
        response = member_browser.get(path)
        assert response.status_code == 404
        assert "Page introuvable" in text(response)


def test_a_page_without_the_permission_is_a_403_page(member_browser: Client) -> None:
    response = member_browser.get("/equipe")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert "Accès refusé" in text(response)


def test_read_only_member_cannot_upload(tenant_a: Tenant) -> None:
    member = make_member(tenant=tenant_a)
    role = Role.objects.get(tenant__isnull=True, slug=SystemRole.READ_ONLY)
    RoleAssignment.objects.create(membership=member, role=role)
    client = browser()
    assert sign_in(client, member.user.email).status_code == 302
    assert client.get("/factures").status_code == 200
    assert client.get("/factures/import").status_code == 403


def test_dashboard_shows_the_same_totals_as_the_api(
    member_browser: Client, member_a: Membership, tenant_a: Tenant
) -> None:
    import_samples(tenant_a, *SAMPLES)
    api = Client(HTTP_HOST="alpha.testserver")
    summary = api.get("/api/v1/metro/summary", **bearer(login(api, member_a.user.email))).json()
    page = text(member_browser.get("/"))
    for field in ("total_ht", "total_tva", "total_ttc"):
        assert money_fr(Decimal(str(summary[field]))) in page, field
    assert f'data-figure="nb_factures">{summary["nb_factures"]}<' in page


def test_invoice_page_shows_its_lines_and_totals(member_browser: Client, tenant_a: Tenant) -> None:
    import_samples(tenant_a, *SAMPLES)
    invoice = Invoice.objects.order_by("id").first()
    assert invoice is not None
    page = text(member_browser.get(f"/factures/{invoice.pk}"))
    assert money_fr(invoice.total_gross) in page
    assert invoice.number in page
    assert f"Lignes ({invoice.lines.count()})" in page
    assert re.search(r"\d{2}/\d{2}/\d{4}", page)


def test_invoice_filters(member_browser: Client, tenant_a: Tenant) -> None:
    import_samples(tenant_a, *SAMPLES)
    everything = text(member_browser.get("/factures"))
    assert "(2)" in everything
    none = member_browser.get("/factures?date_debut=2030-01-01")
    assert "Aucune facture." in text(none)
    bad = member_browser.get("/factures?date_debut=2030-01-01&date_fin=2020-01-01")
    assert bad.status_code == 400
    partial = member_browser.get("/factures?magasin=x", HTTP_HX_REQUEST="true")
    assert text(partial).startswith("<tbody")


def test_products_and_price_history(member_browser: Client, tenant_a: Tenant) -> None:
    import_samples(tenant_a, *SAMPLES)
    product = Product.objects.order_by("-total_gross").first()
    assert product is not None
    listing = text(member_browser.get("/produits?q=" + product.designation[:6]))
    assert product.designation in listing
    detail = member_browser.get(f"/produits/{product.pk}")
    assert detail.status_code == 200
    assert 'id="chart-prices" type="application/json"' in text(detail)


def test_upload_of_real_invoices_without_javascript(admin_browser: Client) -> None:
    from tests.factories.metro import sample_paths

    files = [path.open("rb") for path in sample_paths(*SAMPLES)]
    try:
        response = admin_browser.post("/factures/import", {"files": files})
    finally:
        for handle in files:
            handle.close()
    assert response.status_code == 200
    assert "2 facture(s) importée(s)" in text(response)
    assert Invoice.objects.count() == 2


def test_upload_refuses_what_is_not_a_pdf(admin_browser: Client) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin_browser.post(
        "/factures/import", {"files": [SimpleUploadedFile("x.pdf", b"not a pdf")]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 415
    assert "Seuls les fichiers PDF" in text(response)


def test_a_cookie_of_tenant_a_opens_nothing_at_tenant_b(member_browser: Client, tenant_b: Tenant) -> None:
    import_samples(Tenant.objects.get(slug="alpha"), *SAMPLES)
    other = browser("beta.testserver")
    other.cookies[settings.WEB_SESSION_COOKIE_NAME] = session_cookie(member_browser)
    response = other.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/connexion"


def test_tenant_b_shows_none_of_tenant_a_data(tenant_a: Tenant, tenant_b: Tenant) -> None:
    import_samples(tenant_a, *SAMPLES)
    member_b = make_member(tenant=tenant_b)
    client = browser("beta.testserver")
    assert sign_in(client, member_b.user.email).status_code == 302
    assert 'data-figure="nb_factures">0<' in text(client.get("/"))
    assert "Aucune facture." in text(client.get("/factures"))
    # Tenant A's invoice ids resolve to nothing at B: its schema has no invoice at all.
    with schema_context(tenant_a.schema_name):
        ids = list(Invoice.objects.values_list("pk", flat=True))
    for invoice_id in ids:
        assert client.get(f"/factures/{invoice_id}").status_code == 404


def test_french_formats() -> None:
    assert money_fr(Decimal("1234.56")) == "1\u00a0234,56\u00a0€"
    assert money_fr(Decimal("-0.5")) == "-0,50\u00a0€"
    from datetime import date

    from tenant_apps.web.formatting import date_fr

    assert date_fr(date(2026, 12, 5)) == "05/12/2026"
