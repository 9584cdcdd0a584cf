"""The standing isolation test: for every route of the tenant URLconf, data stored at tenant A never
appears in a response at tenant B, whether B is reached by its host or by X-Tenant-ID on the shared host."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tests.conftest import SHARED_HOST, TENANT_B
from tests.isolation.registry import SCENARIOS, TENANTLESS
from tests.urlwalk import Route, routes

pytestmark = pytest.mark.django_db
# The site's pages (web:*) are proven isolated with browsers signed in at tenant A and at tenant B:
# tests/tenant_apps/web/test_matrix.py.
TENANT_ROUTES = [r for r in routes("config.urls_tenant") if not r.name.startswith("web:")]


def test_every_tenant_route_is_covered_by_the_isolation_registry() -> None:
    uncovered = [r.name for r in TENANT_ROUTES if r.name not in SCENARIOS and r.name not in TENANTLESS]
    assert uncovered == [], f"add these routes to tests/isolation/registry.py: {uncovered}"


def test_the_registry_names_only_real_routes() -> None:
    names = {r.name for r in TENANT_ROUTES}
    assert set(SCENARIOS) - names == set()


@pytest.mark.parametrize("via", ["host", "header"])
@pytest.mark.parametrize("route", [r for r in TENANT_ROUTES if r.name in SCENARIOS], ids=lambda r: r.name)
def test_data_of_tenant_a_never_appears_at_tenant_b(
    route: Route, via: str, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    scenario = SCENARIOS[route.name]
    context = scenario.arrange(tenant_a, tenant_b)
    secrets = [str(s) for s in context["secrets"]]  # type: ignore[attr-defined]
    assert secrets, "a scenario must name what belongs to tenant A"
    headers = dict(context.get("auth_b", {}))  # type: ignore[call-overload]
    if via == "host":
        client = Client(HTTP_HOST=TENANT_B["domain"], **headers)
    else:
        client = Client(HTTP_HOST=SHARED_HOST, HTTP_X_TENANT_ID=tenant_b.slug, **headers)
    for probe in scenario.probes:
        path = route.sample_path(**probe.path_values(context))  # type: ignore[arg-type]
        body = probe.body(context) if probe.body else None  # type: ignore[arg-type]
        kwargs: dict[str, object] = {}
        if body is not None:
            kwargs = {"data": json.dumps(body), "content_type": "application/json"}
        if probe.query is not None:
            kwargs["data"] = probe.query(context)  # type: ignore[arg-type]
        response = getattr(client, probe.method)(path, **kwargs)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code < 500, content
        text = content.decode(errors="replace")
        leaked = [s for s in secrets if s in text]
        assert leaked == [], f"{route.name} at tenant B shows tenant A's {leaked}"
    if scenario.after:
        scenario.after(context)
