"""POST /api/v1/ventes/import and its jobs, and `manage.py import_sumup`."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.sales.models import Order, OrderLine
from tests.factories.sumup import SumupExportBuilder

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/ventes/import"


def _upload(files: dict[str, bytes], **fields: Any) -> dict[str, Any]:
    handles = []
    for name, data in files.items():
        handle = io.BytesIO(data)
        handle.name = name
        handles.append(handle)
    return {"files": handles, **fields}


def _stored(tenant: Tenant) -> tuple[int, int]:
    with schema_context(tenant.schema_name):
        return Order.objects.count(), OrderLine.objects.count()


def test_an_export_uploaded_as_csvs_is_imported_then_skipped_the_second_time(
    admin_api_a: Client, tenant_a: Tenant, builder: SumupExportBuilder
) -> None:
    builder.add_order("ORDER-2")
    response = admin_api_a.post(URL, _upload(builder.files()))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["nb_commandes"], body["nb_commandes_importees"], body["nb_lignes_importees"]) == (2, 2, 4)
    assert body["ca_ttc_importe"] == "54.00"
    assert body["erreurs"] == []
    again = admin_api_a.post(URL, _upload(builder.files())).json()
    assert (again["nb_commandes_importees"], again["nb_doublons"]) == (0, 2)
    assert _stored(tenant_a) == (2, 4)


def test_an_export_uploaded_as_its_zip_is_imported(
    admin_api_a: Client, tenant_a: Tenant, builder: SumupExportBuilder, tmp_path: Path
) -> None:
    archive = builder.zip(tmp_path / "export.zip")
    response = admin_api_a.post(URL, _upload({"export.zip": archive.read_bytes()}))
    assert response.status_code == 200, response.content
    assert _stored(tenant_a) == (1, 2)


def test_a_file_with_a_missing_column_is_a_400_naming_it_and_nothing_is_written(
    admin_api_a: Client, tenant_a: Tenant, builder: SumupExportBuilder
) -> None:
    builder.drop_column("paiements", "Montant Paiements")
    response = admin_api_a.post(URL, _upload(builder.files()))
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "MISSING_COLUMN"
    assert body["details"]["file"] == builder.file_name("paiements")
    assert "Montant Paiements" in body["message"]
    assert _stored(tenant_a) == (0, 0)


def test_upload_limits_give_json_errors(
    admin_api_a: Client, builder: SumupExportBuilder, settings: Any
) -> None:
    assert admin_api_a.post(URL, {}).json()["error"] == "NO_FILE"
    settings.SALES_IMPORT_MAX_FILES = 2
    assert admin_api_a.post(URL, _upload(builder.files())).json()["error"] == "TOO_MANY_FILES"
    settings.SALES_IMPORT_MAX_FILES, settings.SALES_IMPORT_MAX_FILE_BYTES = 8, 100
    too_big = admin_api_a.post(URL, _upload(builder.files()))
    assert too_big.status_code == 413


def test_a_large_export_runs_as_a_job_with_a_status_url(
    admin_api_a: Client, tenant_a: Tenant, builder: SumupExportBuilder, settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.SALES_IMPORT_SYNC_MAX_ORDERS = 1
    builder.add_order("ORDER-2")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = admin_api_a.post(URL, _upload(builder.files()))
    assert response.status_code == 202, response.content
    assert len(callbacks) == 1  # enqueued once the stored upload is committed
    body = response.json()
    assert body["status_url"] == f"{URL}/jobs/{body['job_id']}" == response["Location"]
    status = admin_api_a.get(body["status_url"]).json()
    assert (status["status"], status["nb_traitees"], status["progression_pct"]) == ("done", 2, 100)
    assert status["result"]["nb_commandes_importees"] == 2
    assert _stored(tenant_a) == (2, 4)
    assert admin_api_a.get(f"{URL}/jobs/00000000-0000-0000-0000-000000000001").status_code == 404


def test_a_member_without_write_permission_cannot_import(
    reader_a: Client, builder: SumupExportBuilder
) -> None:
    assert reader_a.post(URL, _upload(builder.files())).status_code == 403


def test_the_command_prints_a_summary_and_refuses_a_bad_export(
    tenant_a: Tenant, builder: SumupExportBuilder, tmp_path: Path
) -> None:
    builder.add_order("ORDER-BAD")
    next(r for r in builder.rows["totaux"] if r["ID commande"] == "ORDER-BAD")["CA HT"] = "1,00"
    archive = builder.zip(tmp_path / "export.zip")
    out = io.StringIO()
    call_command("import_sumup", "--tenant", tenant_a.slug, str(archive), stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "imported: 1 orders, 2 lines" in text
    assert "not loaded (blocking issue; --force loads them): 1" in text
    assert "ORDER-BAD" in text
    assert _stored(tenant_a) == (1, 2)
    (tmp_path / "garbage.csv").write_bytes(b"\x00\x01binary")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("import_sumup", "--tenant", tenant_a.slug, str(tmp_path / "garbage.csv"), stderr=err)
    assert exited.value.code == 2
    assert "garbage.csv" in err.getvalue()
    assert _stored(tenant_a) == (1, 2)
