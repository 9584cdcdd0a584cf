"""Hostile SumUp exports, through the API and the command: each is refused with a clear error naming its
file, within a bounded time, and nothing is written. A read that fits no budget (many rows, a slow one) is
stopped in its sandboxed process (`too_complex`); a zip bomb and a gigantic cell meet the reader's limits."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.sales.models import Order, SalesImport
from tests.support.hostile_sumup import gigantic_field, many_orders, zip_bomb

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/ventes/import"
# 30,000 orders in files of 3 to 9 MB: about 3 s of CPU and 300 MB to read (the two-year export: 1 s).
ORDERS = 30_000
# What each budget case sets; the reading costs several times any of them.
BUDGETS = {
    "cpu": {"SALES_PARSE_CPU_SECONDS": 1, "SALES_PARSE_WALL_SECONDS": 60.0},
    "time": {"SALES_PARSE_CPU_SECONDS": 60, "SALES_PARSE_WALL_SECONDS": 0.3},
    "memory": {"SALES_PARSE_MEMORY_MB": 200, "SALES_PARSE_WALL_SECONDS": 60.0},
}
BOUND_SECONDS = 15  # the slowest case's budget is 1 s of CPU; reading in process takes several


@pytest.fixture(scope="module")
def costly() -> dict[str, bytes]:
    return many_orders(ORDERS)


def _upload(files: dict[str, bytes]) -> dict[str, Any]:
    handles = []
    for name, data in files.items():
        handle = io.BytesIO(data)
        handle.name = name
        handles.append(handle)
    return {"files": handles}


def _nothing_written(tenant: Tenant) -> bool:
    with schema_context(tenant.schema_name):
        return not Order.objects.exists() and not SalesImport.objects.exists()


@pytest.mark.parametrize("budget", BUDGETS)
def test_an_export_beyond_its_reading_budget_is_too_complex_and_nothing_is_written(
    admin_api_a: Client, tenant_a: Tenant, costly: dict[str, bytes], settings: Any, budget: str
) -> None:
    for name, value in BUDGETS[budget].items():
        setattr(settings, name, value)
    started = time.monotonic()
    response = admin_api_a.post(URL, _upload(costly))
    assert time.monotonic() - started < BOUND_SECONDS
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"] == "TOO_COMPLEX"
    assert set(body["details"]["file"].split(", ")) == set(costly)
    assert budget in body["message"] or budget == "memory"  # memory: an allocation fails, or the process dies
    assert _nothing_written(tenant_a)


@pytest.mark.parametrize(
    ("files", "code"),
    [
        (lambda: {"export.zip": zip_bomb()}, "COMPRESSION_RATIO"),
        (gigantic_field, "MALFORMED_CSV"),
    ],
    ids=["zip-bomb", "gigantic-field"],
)
def test_a_zip_bomb_or_a_gigantic_field_is_refused_naming_its_file(
    admin_api_a: Client, tenant_a: Tenant, files: Any, code: str
) -> None:
    response = admin_api_a.post(URL, _upload(files()))
    assert response.status_code == 400, response.content
    assert response.json()["error"] == code
    assert response.json()["details"]["file"]
    assert _nothing_written(tenant_a)


def test_the_command_refuses_a_costly_export_as_too_complex_and_writes_nothing(
    tenant_a: Tenant, costly: dict[str, bytes], settings: Any, tmp_path: Path
) -> None:
    settings.SALES_PARSE_CPU_SECONDS = 1
    for name, data in costly.items():
        (tmp_path / name).write_bytes(data)
    err = io.StringIO()
    started = time.monotonic()
    with pytest.raises(SystemExit) as exited:
        call_command("import_sumup", "--tenant", tenant_a.slug, str(tmp_path), stderr=err)
    assert time.monotonic() - started < BOUND_SECONDS
    assert exited.value.code == 2
    assert "nothing imported" in err.getvalue()
    assert "[too_complex]" in err.getvalue()
    assert _nothing_written(tenant_a)
