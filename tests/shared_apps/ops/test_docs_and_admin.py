"""The OpenAPI description, the self-hosted docs page and the platform admin (public host only)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.conftest import SHARED_HOST

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("host", [SHARED_HOST, "alpha.testserver"])
def test_openapi_schema_describes_the_tenant_api(tenant_a: object, host: str) -> None:
    response = Client(HTTP_HOST=host).get("/api/v1/schema", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/info" in schema["paths"]


@pytest.mark.parametrize("host", [SHARED_HOST, "alpha.testserver"])
def test_docs_page_answers_on_shared_and_tenant_hosts(tenant_a: object, host: str) -> None:
    response = Client(HTTP_HOST=host).get("/api/docs")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content


def test_docs_assets_are_served_by_us(client_a: Client) -> None:
    html = client_a.get("/api/docs").content.decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), assets
    for asset in assets:
        response = client_a.get(asset)
        assert response.status_code == 200, asset


def test_admin_answers_on_the_public_host(db: None) -> None:
    response = Client(HTTP_HOST=SHARED_HOST).get("/admin/login/")
    assert response.status_code == 200
    assert b"Django" in response.content or b"admin" in response.content


def test_admin_is_not_reachable_on_a_tenant_host(client_a: Client) -> None:
    response = client_a.get("/admin/login/")
    assert response.status_code == 404
    assert response.json()["error"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/tenants/tenant/", "/admin/tenants/domain/", "/admin/accounts/user/"]
)
def test_platform_staff_can_use_the_admin_on_the_public_host(db: None, path: str) -> None:
    from shared_apps.accounts.models import User

    staff = User.objects.create_superuser(email="ops@massacorp.example", password="a long staff passphrase 1")
    client = Client(HTTP_HOST=SHARED_HOST)
    client.force_login(staff)
    response = client.get(path)
    assert response.status_code == 200, response.content[:300]
