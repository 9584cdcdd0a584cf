"""Migration 0003: whoever could reach the sales routes under the metro codes still can under the sales
codes (system roles and a tenant's own roles, API keys too), and the accountant role exists."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django_tenants.utils import schema_context

from shared_apps.rbac.enums import SYSTEM_ROLE_PERMISSIONS, SystemRole
from shared_apps.rbac.models import Permission, Role
from shared_apps.tenants.models import Tenant
from tests.factories.access import api_key_for, member_with_role

pytestmark = pytest.mark.django_db

rbac_0004 = importlib.import_module("shared_apps.rbac.migrations.0004_sales_accounting_codes")
apikeys_0002 = importlib.import_module("tenant_apps.apikeys.migrations.0002_sales_scopes")


def test_a_tenants_role_with_metro_codes_gets_the_sales_codes(tenant_a: Tenant) -> None:
    role = Role.objects.create(tenant=tenant_a, slug="cuisine", name="Cuisine")
    role.permissions.set(Permission.objects.filter(code__in=["metro:read", "metro:write"]))
    reader = Role.objects.create(tenant=tenant_a, slug="lecteur", name="Lecteur")
    reader.permissions.set(Permission.objects.filter(code="metro:read"))
    rbac_0004.forward(apps, None)
    assert set(role.permissions.values_list("code", flat=True)) == {
        "metro:read", "metro:write", "sales:read", "sales:write",
    }  # fmt: skip
    assert set(reader.permissions.values_list("code", flat=True)) == {"metro:read", "sales:read"}


def test_the_seeded_system_roles_match_the_enums() -> None:
    rbac_0004.forward(apps, None)  # idempotent: the test database already ran it
    for slug, codes in SYSTEM_ROLE_PERMISSIONS.items():
        role = Role.objects.get(tenant=None, slug=slug)
        assert set(role.permissions.values_list("code", flat=True)) == set(codes), slug
    accountant = SYSTEM_ROLE_PERMISSIONS[SystemRole.ACCOUNTANT]
    assert "accounting:export" in accountant
    assert "accounting:write" not in accountant
    assert "sales:write" not in accountant


def test_an_api_key_with_a_metro_scope_gets_the_sales_scope(tenant_a: Tenant) -> None:
    from tenant_apps.apikeys.models import ApiKey

    api_key_for(member_with_role(tenant_a, "owner"), ["metro:write", "analytics:read"])
    with schema_context(tenant_a.schema_name):
        apikeys_0002.forward(apps, None)
        assert set(ApiKey.objects.get().scopes) == {"metro:write", "analytics:read", "sales:write"}
        apikeys_0002.backward(apps, None)
        assert set(ApiKey.objects.get().scopes) == {"metro:write", "analytics:read"}
