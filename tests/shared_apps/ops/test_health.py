"""Health, readiness, deep health and metrics: what they check and who may read them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings

from shared_apps.tenants import template
from tests.conftest import SHARED_HOST, TENANT_A

pytestmark = pytest.mark.django_db
OUTSIDER = "203.0.113.9"


def test_health_is_alive_without_database_work(db: None) -> None:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = Client(HTTP_HOST=SHARED_HOST).get("/health")
    assert response.json() == {"status": "ok"}
    assert queries.captured_queries == []


def test_ready_reports_each_check(db: None) -> None:
    response = Client(HTTP_HOST=SHARED_HOST).get("/ready")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["database"] is True
    assert checks["migrations_public"] is True
    assert checks["migrations_template"] is True


def test_ready_fails_when_the_template_is_missing(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{template.template_schema()}" RENAME TO template_moved_away')
    response = Client(HTTP_HOST=SHARED_HOST).get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations_template"] is False


def test_ready_fails_when_public_migrations_are_pending(db: None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM public.django_migrations WHERE app = 'tenants'")
    response = Client(HTTP_HOST=SHARED_HOST).get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations_public"] is False


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_ready_checks_redis_when_configured(db: None) -> None:
    response = Client(HTTP_HOST=SHARED_HOST).get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"] is False


@pytest.mark.parametrize("path", ["/health/deep", "/metrics"])
def test_operator_endpoints_refuse_outsiders(db: None, path: str) -> None:
    response = Client(HTTP_HOST=SHARED_HOST, REMOTE_ADDR=OUTSIDER).get(path)
    assert response.status_code == 403
    assert response.json()["error"] == "PERMISSION_DENIED"


@pytest.mark.parametrize("path", ["/health/deep", "/metrics"])
def test_operator_endpoints_refuse_a_wrong_token(db: None, path: str) -> None:
    client = Client(HTTP_HOST=SHARED_HOST, REMOTE_ADDR=OUTSIDER)
    assert client.get(path, HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


def test_deep_health_gives_latency_per_component_to_operators(db: None) -> None:
    client = Client(HTTP_HOST=SHARED_HOST, REMOTE_ADDR=OUTSIDER)
    response = client.get("/health/deep", HTTP_AUTHORIZATION="Bearer test-metrics-token")
    assert response.status_code == 200
    components = response.json()["components"]
    assert {"database", "migrations_public", "migrations_template"} <= set(components)
    assert all(isinstance(c["latency_ms"], float) for c in components.values())


def test_metrics_from_internal_network_use_route_names_not_raw_paths(tenant_a: object) -> None:
    Client(HTTP_HOST=TENANT_A["domain"]).get("/api/v1/info")
    response = Client(HTTP_HOST=SHARED_HOST, REMOTE_ADDR="127.0.0.1").get("/metrics")
    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_requests_total_by_view_transport_method_total" in body
    assert 'view="api:info"' in body
    assert "/api/v1/info" not in body
