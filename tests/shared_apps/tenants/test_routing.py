"""Each routing rule of the tenant middleware, and its cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shared_apps.tenants.db import use_tenant_schema
from shared_apps.tenants.models import Domain, Tenant
from tests.conftest import SHARED_HOST, TENANT_A, TENANT_B

pytestmark = pytest.mark.django_db


def _error_code(response: object) -> str:
    return response.json()["error"].lower()  # type: ignore[attr-defined]


def test_tenant_host_routes_to_its_tenant(client_a: Client, client_b: Client) -> None:
    assert client_a.get("/api/v1/info").json()["tenant"]["slug"] == "alpha"
    assert client_b.get("/api/v1/info").json()["tenant"]["slug"] == "beta"


def test_host_is_matched_case_insensitively_and_without_port(tenant_a: Tenant) -> None:
    response = Client(HTTP_HOST="ALPHA.testserver:8000").get("/api/v1/info")
    assert response.status_code == 200
    assert response.json()["tenant"]["slug"] == "alpha"


def test_header_selects_tenant_on_shared_host(shared_client: Client, tenant_b: Tenant) -> None:
    response = shared_client.get("/api/v1/info", HTTP_X_TENANT_ID="beta")
    assert response.status_code == 200
    assert response.json()["tenant"]["slug"] == "beta"


def test_header_may_name_the_tenant_by_its_numeric_id(shared_client: Client, tenant_b: Tenant) -> None:
    response = shared_client.get("/api/v1/info", HTTP_X_TENANT_ID=str(tenant_b.pk))
    assert response.status_code == 200
    assert response.json()["tenant"]["slug"] == "beta"


def test_numeric_id_of_the_host_tenant_agrees_with_the_host(client_a: Client, tenant_a: Tenant) -> None:
    assert client_a.get("/api/v1/info", HTTP_X_TENANT_ID=str(tenant_a.pk)).status_code == 200


@pytest.mark.parametrize("header", ["999999", "99999999999999999999999"])
def test_unknown_numeric_id_is_404(shared_client: Client, header: str) -> None:
    response = shared_client.get("/api/v1/info", HTTP_X_TENANT_ID=header)
    assert response.status_code == 404
    assert _error_code(response) == "tenant_not_found"


def test_header_that_disagrees_with_tenant_host_is_400(client_a: Client, tenant_b: Tenant) -> None:
    response = client_a.get("/api/v1/info", HTTP_X_TENANT_ID="beta")
    assert response.status_code == 400
    assert _error_code(response) == "tenant_mismatch"


def test_header_that_agrees_with_tenant_host_is_accepted(client_a: Client) -> None:
    assert client_a.get("/api/v1/info", HTTP_X_TENANT_ID="alpha").status_code == 200


def test_unknown_header_tenant_is_404(shared_client: Client) -> None:
    response = shared_client.get("/api/v1/info", HTTP_X_TENANT_ID="nosuch")
    assert response.status_code == 404
    assert _error_code(response) == "tenant_not_found"


def test_unknown_host_is_json_404(db: None) -> None:
    response = Client(HTTP_HOST="nosuch.testserver").get("/api/v1/info")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert _error_code(response) == "tenant_not_found"


@pytest.mark.parametrize("how", ["host", "header"])
def test_inactive_tenant_is_404(tenant_a: Tenant, how: str) -> None:
    tenant_a.is_active = False
    tenant_a.save(update_fields=["is_active"])
    if how == "host":
        response = Client(HTTP_HOST=TENANT_A["domain"]).get("/api/v1/info")
    else:
        response = Client(HTTP_HOST=SHARED_HOST).get("/api/v1/info", HTTP_X_TENANT_ID="alpha")
    assert response.status_code == 404
    assert _error_code(response) == "tenant_not_found"


def test_api_call_on_shared_host_without_tenant_is_400(shared_client: Client) -> None:
    response = shared_client.get("/api/v1/info")
    assert response.status_code == 400
    assert _error_code(response) == "tenant_required"


def test_shared_host_without_header_never_falls_back_to_public_for_unknown_api_paths(
    shared_client: Client,
) -> None:
    response = shared_client.post("/api/v1/anything", data={}, content_type="application/json")
    assert response.status_code == 400
    assert _error_code(response) == "tenant_required"


@pytest.mark.parametrize("path", ["/health", "/ready"])
@pytest.mark.parametrize("host", ["alpha.testserver", SHARED_HOST, "nosuch.testserver"])
def test_health_answers_on_any_host_without_tenant(tenant_a: Tenant, path: str, host: str) -> None:
    response = Client(HTTP_HOST=host).get(path)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"


def test_domain_change_takes_effect_at_once_in_this_process(tenant_a: Tenant) -> None:
    client = Client(HTTP_HOST="bistro.testserver")
    assert client.get("/api/v1/info").status_code == 404  # now cached as unknown
    Domain.objects.create(domain="bistro.testserver", tenant=tenant_a, is_primary=False)
    assert client.get("/api/v1/info").json()["tenant"]["slug"] == "alpha"


def test_deactivation_takes_effect_at_once_in_this_process(client_a: Client, tenant_a: Tenant) -> None:
    assert client_a.get("/api/v1/info").status_code == 200  # cached as active
    tenant_a.is_active = False
    tenant_a.save(update_fields=["is_active"])
    assert client_a.get("/api/v1/info").status_code == 404


def test_routing_a_warm_request_costs_no_query(client_a: Client) -> None:
    client_a.get("/api/v1/info")  # warm the routing cache
    with CaptureQueriesContext(connection) as queries:
        response = client_a.get("/api/v1/info")
    assert response.status_code == 200
    # The view reads nothing; routing itself must not query (SET search_path comes only with a query).
    assert [q["sql"] for q in queries.captured_queries] == []


def test_tenant_query_costs_one_search_path_statement(client_a: Client, tenant_a: Tenant) -> None:
    """A request that queries its tenant schema pays exactly one SET search_path for routing."""
    from django.contrib.contenttypes.models import ContentType

    client_a.get("/api/v1/info")
    use_tenant_schema(tenant_a)
    with CaptureQueriesContext(connection) as queries:
        ContentType.objects.filter(app_label="contenttypes").count()
        ContentType.objects.filter(app_label="auth").count()
    statements = [q["sql"] for q in queries.captured_queries]
    assert sum(s.startswith("SET search_path") for s in statements) == 1, statements
    assert TENANT_B["slug"] not in statements[0]


def _path_after(tenant: Tenant | None) -> tuple[list[str], str]:
    """Route to `tenant` (None: public), run a query; the SET statements it cost and the path in force."""
    from shared_apps.tenants.db import use_public_schema

    if tenant is None:
        use_public_schema()
    else:
        use_tenant_schema(tenant)
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        cursor.execute("SHOW search_path")
        (path,) = cursor.fetchone()
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SET search_path")], path


def test_the_search_path_is_set_again_only_when_the_schema_changes(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    sets, path = _path_after(tenant_a)
    assert path.startswith(tenant_a.schema_name)
    sets, path = _path_after(tenant_a)
    assert (sets, path.split(",")[0]) == ([], tenant_a.schema_name)  # still in force: no SET
    sets, path = _path_after(tenant_b)
    assert len(sets) == 1
    assert path.startswith(tenant_b.schema_name)
    _path_after(None)
    sets, path = _path_after(tenant_b)
    assert len(sets) == 1
    assert path.startswith(tenant_b.schema_name)


@pytest.mark.parametrize("inside", ["alpha", "beta"])
def test_after_a_rolled_back_set_the_path_in_force_is_still_the_routed_tenants(
    tenant_a: Tenant, tenant_b: Tenant, inside: str
) -> None:
    """A SET undone by a rollback must never be taken as still in force (a request for A would read B)."""
    from django.db import transaction

    tenants = {"alpha": tenant_a, "beta": tenant_b}
    _path_after(tenant_a)
    seen: list[str] = []

    def routed_then_failed() -> None:
        with transaction.atomic():
            seen.append(_path_after(tenants[inside])[1])
            raise RuntimeError  # rolls the savepoint back, and a SET made inside it with it

    with pytest.raises(RuntimeError):
        routed_then_failed()
    assert seen[0].startswith(tenants[inside].schema_name)
    for tenant in (tenant_a, tenant_b, tenant_a):
        _sets, path = _path_after(tenant)
        assert path.split(",")[0] == tenant.schema_name
