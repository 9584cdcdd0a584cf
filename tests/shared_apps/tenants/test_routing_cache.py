"""The routing cache: bounded (LRU, and a smaller table for names that match no tenant), told of changes
made by other processes, and connections recycled once they have served many schemas."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from shared_apps.tenants import routing
from shared_apps.tenants.db import use_tenant_schema
from shared_apps.tenants.models import Domain, Tenant
from tests.conftest import TENANT_A

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def _queries_for(host: str) -> tuple[int, int]:
    """The status of /api/v1/info at `host` and the lookups routing made (SET search_path aside)."""
    with CaptureQueriesContext(connection) as queries:
        status = Client(HTTP_HOST=host).get("/api/v1/info").status_code
    return status, sum(not q["sql"].startswith("SET search_path") for q in queries.captured_queries)


@override_settings(TENANT_ROUTING_CACHE_SIZE=2)
def test_the_cache_keeps_only_the_most_recently_used_hosts(tenant_a: Tenant) -> None:
    for name in ("alias1", "alias2"):
        Domain.objects.create(domain=f"{name}.testserver", tenant=tenant_a, is_primary=False)
    routing.clear_routing_cache()
    hosts = [TENANT_A["domain"], "alias1.testserver", "alias2.testserver"]
    for host in hosts:
        assert _queries_for(host) == (200, 1)  # a miss: one lookup
    assert routing.cache_sizes()["host"] == 2
    assert _queries_for(hosts[2]) == (200, 0)  # still held
    assert _queries_for(hosts[0]) == (200, 1)  # the least recently used went first


@override_settings(TENANT_ROUTING_NEGATIVE_CACHE_SIZE=3)
def test_unknown_hosts_are_held_in_their_own_bounded_table(tenant_a: Tenant) -> None:
    assert _queries_for(TENANT_A["domain"])[0] == 200
    for n in range(20):
        assert _queries_for(f"nosuch{n}.testserver") == (404, 1)
    assert routing.cache_sizes() == {"host": 1, "slug": 0, "unknown": 3}
    assert _queries_for("nosuch19.testserver") == (404, 0)
    assert _queries_for(TENANT_A["domain"]) == (200, 0)  # junk hosts did not push the tenant out


def test_a_change_to_a_tenant_moves_the_routing_generation(tenant_a: Tenant) -> None:
    before = routing.read_generation()
    tenant_a.name = "Renamed"
    tenant_a.save(update_fields=["name"])
    assert routing.read_generation() == before + 1


def _in_another_process(code: str) -> None:
    """Run `code` in a separate Django process against this test database (it commits)."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    environ = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    if database.get("PASSWORD"):
        environ["PGPASSWORD"] = str(database["PASSWORD"])
    script = f"import django; django.setup()\n{code}"
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environ, check=True, timeout=120)


@pytest.mark.parametrize("check_seconds", [0.2, 0.0], ids=["with-the-check", "without"])
def test_a_deactivation_in_another_process_reaches_this_one(tenant_a: Tenant, check_seconds: float) -> None:
    service = "from shared_apps.tenants.services import tenant_set_active\n"
    with override_settings(TENANT_ROUTING_CHECK_SECONDS=check_seconds):
        routing.read_generation()  # (the test's transaction sees other processes' commits from here on)
        assert _queries_for(TENANT_A["domain"])[0] == 200  # cached here as active
        try:
            _in_another_process(service + "tenant_set_active(slug='alpha', is_active=False)")
            time.sleep(0.3)
            status = Client(HTTP_HOST=TENANT_A["domain"]).get("/api/v1/info").status_code
        finally:
            _in_another_process(service + "tenant_set_active(slug='alpha', is_active=True)")
    # Without the check, nothing tells this process before its entry expires (TENANT_ROUTING_CACHE_TTL).
    assert status == (404 if check_seconds else 200)


def _close_at_after(steps: list[tuple[Tenant, bool]]) -> list[bool]:
    """On a fresh connection (a new thread's): route to each tenant, query it or not; after each step,
    whether the connection is marked to be closed at the end of the request."""
    marked: list[bool] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            connection.ensure_connection()
            connection.close_at = None  # persistent, as CONN_MAX_AGE=None makes it (the tests use 0)
            for tenant, query in steps:
                use_tenant_schema(tenant)
                if query:
                    with connection.cursor() as cursor:
                        cursor.execute("SELECT count(*) FROM django_migrations")
                marked.append(connection.close_at is not None and connection.close_at <= time.monotonic())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return marked


@override_settings(TENANT_CONNECTION_MAX_SCHEMAS=1)
def test_a_connection_that_queried_more_schemas_than_the_limit_is_closed_after_its_request(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    queried = [(tenant_a, True), (tenant_b, True), (tenant_a, True)]
    assert _close_at_after(queried) == [False, False, True]  # alpha, beta queried: one too many
    routed_only = [(tenant_a, False), (tenant_b, False), (tenant_a, False), (tenant_b, False)]
    assert _close_at_after(routed_only) == [False, False, False, False]
