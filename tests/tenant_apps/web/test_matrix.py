"""The site's permission matrix (as tests/shared_apps/rbac/test_permission_matrix.py is the API's): every
page and action x each system role and an anonymous browser; and every page walked by a member of tenant B
after data was stored at tenant A. A page missing from the table fails the test."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.accounting.services import AccountChange, accounts_update, siren_set
from tenant_apps.catalog.models import PriceAlert, Product
from tenant_apps.metro.models import Invoice
from tenant_apps.sales.models import Dish, ImportSource
from tenant_apps.sales.services import sales_import_files
from tenant_apps.sessions.services import session_start
from tests.factories.access import ROLES, member_with_role
from tests.factories.catalog import PriceAlertFactory
from tests.factories.metro import import_samples
from tests.factories.sales import RecipeLineFactory
from tests.factories.sumup import SumupExportBuilder
from tests.urlwalk import Route, routes

from .conftest import HOST_A, HOST_B, browser, text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

PUBLIC, SELF = "public", "self"
RO, MEMBER, MANAGER, ADMIN = "read-only", "member", "manager", "admin"
ACCOUNTANT = "accountant"
EXPORT = ("owner", ADMIN, ACCOUNTANT)  # outside the owner > … > read-only line: the roles themselves

WEB_MATRIX: dict[str, dict[str, str | tuple[str, ...]]] = {
    "web:sign-in": {"GET": PUBLIC, "POST": PUBLIC},
    "web:second-factor": {"POST": PUBLIC},
    "web:sign-up": {"GET": PUBLIC, "POST": PUBLIC},
    "web:reset-request": {"GET": PUBLIC, "POST": PUBLIC},
    "web:reset-confirm": {"GET": PUBLIC, "POST": PUBLIC},
    "web:reset-link": {"GET": PUBLIC},
    "web:sign-out": {"GET": PUBLIC, "POST": PUBLIC},
    "web:dashboard": {"GET": RO},
    "web:account": {"GET": SELF},
    "web:account-profile": {"POST": SELF},
    "web:account-password": {"POST": SELF},
    "web:sessions-end-others": {"POST": RO},
    "web:session-end": {"POST": RO},
    "web:api-key-create": {"POST": MEMBER},
    "web:api-key-revoke": {"POST": MEMBER},
    "web:personal-data": {"GET": SELF},
    "web:mfa-enrol": {"GET": SELF},
    "web:mfa-setup": {"POST": SELF},
    "web:mfa-enable": {"POST": SELF},
    "web:mfa-disable": {"POST": SELF},
    "web:mfa-recovery": {"POST": SELF},
    "web:team": {"GET": MANAGER},
    "web:team-invite": {"POST": MANAGER},
    "web:team-activate": {"POST": ADMIN},
    "web:team-deactivate": {"POST": ADMIN},
    "web:invoices": {"GET": RO},
    "web:invoice-upload": {"GET": MANAGER, "POST": MANAGER},
    "web:invoice": {"GET": RO},
    "web:products": {"GET": RO},
    "web:product": {"GET": RO},
    "web:expenses": {"GET": RO},
    "web:expense-new": {"GET": MANAGER, "POST": MANAGER},
    "web:expense-edit": {"GET": MANAGER, "POST": MANAGER},
    "web:expense-delete": {"POST": MANAGER},
    "web:cost-centre-new": {"GET": MANAGER, "POST": MANAGER},
    "web:cost-centre-edit": {"GET": MANAGER, "POST": MANAGER},
    "web:expense-category-new": {"GET": MANAGER, "POST": MANAGER},
    "web:expense-category-edit": {"GET": MANAGER, "POST": MANAGER},
    "web:expense-category-delete": {"POST": MANAGER},
    "web:sales": {"GET": RO},
    "web:sales-upload": {"GET": MANAGER, "POST": MANAGER},
    "web:dishes": {"GET": RO},
    "web:dish-new": {"POST": MANAGER},
    "web:dish": {"GET": RO},
    "web:dish-edit": {"POST": MANAGER},
    "web:dish-recipe": {"POST": MANAGER},
    "web:price-alerts": {"GET": RO},
    "web:price-alerts-seen": {"POST": MANAGER},
    "web:price-alert-seen": {"POST": MANAGER},
    "web:product-settings": {"POST": MANAGER},
    "web:stock": {"GET": RO},
    "web:stock-count": {"GET": MANAGER, "POST": MANAGER},
    "web:stock-variance": {"GET": RO},
    "web:stock-loss": {"POST": MANAGER},
    "web:accounting": {"GET": EXPORT},
    "web:accounting-fec": {"GET": EXPORT},
    "web:accounting-siren": {"POST": ADMIN},
    "web:accounting-accounts": {"POST": ADMIN},
}
WEB_ROUTES = [r for r in routes("config.urls_tenant") if r.name.startswith("web:")]
CALLERS = (*ROLES, ACCOUNTANT, "anonymous")


def _signed_in(tenant: Tenant, role: str, host: str = HOST_A) -> Client:
    """A browser holding the cookie of a fresh session of a member with `role` (no password hashing)."""
    membership = member_with_role(tenant, role)
    with schema_context(tenant.schema_name):
        started = session_start(
            tenant=tenant, user=membership.user, ip=None, user_agent="", auth_methods=["pwd"]
        )
    client = browser(host)
    client.cookies[settings.WEB_SESSION_COOKIE_NAME] = started.refresh_token
    return client


def _allowed(rule: str | tuple[str, ...], caller: str) -> bool:
    if rule == PUBLIC:
        return True
    if caller == "anonymous":
        return False
    if isinstance(rule, tuple):
        return caller in rule
    if caller == ACCOUNTANT:  # reads what read-only reads
        return rule in (SELF, RO)
    return rule == SELF or ROLES.index(caller) <= ROLES.index(rule)


def test_every_page_and_method_is_in_the_matrix() -> None:
    assert {r.name for r in WEB_ROUTES} == set(WEB_MATRIX)


@pytest.mark.parametrize(
    ("route", "method", "caller"),
    [(r, m, c) for r in WEB_ROUTES for m in WEB_MATRIX[r.name] for c in CALLERS],
    ids=lambda v: v.name if isinstance(v, Route) else str(v),
)
def test_web_permission_matrix(route: Route, method: str, caller: str, tenant_a: Tenant) -> None:
    rule = WEB_MATRIX[route.name][method]
    client = browser() if caller == "anonymous" else _signed_in(tenant_a, caller)
    response = getattr(client, method.lower())(route.sample_path())
    to_sign_in = response.status_code == 302 and response["Location"].startswith("/connexion")
    if _allowed(rule, caller):
        assert response.status_code != 403, f"{caller} should be allowed"
        assert rule == PUBLIC or not to_sign_in, f"{caller} was sent to sign in"
    elif caller == "anonymous":
        assert to_sign_in, f"anonymous got {response.status_code}"
    else:
        assert response.status_code == 403, f"{caller} should be refused, got {response.status_code}"
        assert "Accès refusé" in text(response)


def _sales_of(tenant: Tenant, tmp_path: Path, product: Product) -> dict[str, Any]:
    """At `tenant`: a till sale of a dish with a recipe on `product`, and a price alert on it."""
    builder = SumupExportBuilder().add_order(lines=(("PLAT SECRET ALPHA", 1, "15,00", "13,64", "1,36"),))
    with schema_context(tenant.schema_name):
        sales_import_files(sources=builder.write(tmp_path), source=ImportSource.CLI)
        dish = Dish.objects.get(till_name="PLAT SECRET ALPHA")
        RecipeLineFactory.create(dish=dish, product=product)
        alert = PriceAlertFactory.create(product=product, document_number="ALERTE-ALPHA")
    return {"dish_id": str(dish.pk), "alert_id": str(alert.pk), "secrets": [dish.name, "ALERTE-ALPHA"]}


def test_no_page_shows_tenant_a_data_at_tenant_b(tenant_a: Tenant, tenant_b: Tenant, tmp_path: Path) -> None:
    import_samples(tenant_a, "135_11_200921", "135_11_247666")
    with schema_context(tenant_a.schema_name):
        invoices = list(Invoice.objects.all())
        products = list(Product.objects.all())
        own_account = AccountChange("purchase:20.00", "607999", "Compte secret de A")
        accounts_update(tenant=tenant_a, changes=[own_account], actor=None)
    siren_set(tenant=tenant_a, siren="732829320", actor=None)
    sales = _sales_of(tenant_a, tmp_path, products[0])
    secrets = [i.number for i in invoices] + [p.designation for p in products] + sales["secrets"]
    secrets += ["732829320", "607999", "Compte secret de A"]
    client = _signed_in(tenant_b, "owner", host=HOST_B)
    values: dict[str, Any] = {"invoice_id": str(invoices[0].pk), "product_id": str(products[0].pk)}
    values |= {"dish_id": sales["dish_id"], "alert_id": sales["alert_id"]}
    for route in WEB_ROUTES:
        if "GET" not in WEB_MATRIX[route.name]:
            continue
        response = client.get(route.sample_path(**values), {"annee": "2022"})
        content = b"".join(cast(Any, response).streaming_content) if response.streaming else response.content
        body = content.decode(errors="replace")
        for secret in secrets:
            assert secret not in body, (route.name, secret)
    assert client.get(f"/factures/{invoices[0].pk}").status_code == 404
    assert client.get(f"/produits/{products[0].pk}").status_code == 404
    assert client.get(f"/plats/{sales['dish_id']}").status_code == 404
    assert client.post(f"/plats/{sales['dish_id']}/recette", {}).status_code == 404
    assert client.post(f"/alertes-prix/{sales['alert_id']}/vu").status_code == 404
    client.post("/alertes-prix/tout-vu")
    with schema_context(tenant_a.schema_name):
        assert not PriceAlert.objects.get(pk=sales["alert_id"]).seen
