"""`manage.py import_metro`: folders and files, a summary, exit status 2 on bad arguments."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from shared_apps.tenants.models import Tenant
from tenant_apps.metro.models import Invoice
from tests.factories.metro import in_schema, sample_paths
from tests.support.hostile_pdf import hostile_pdf

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_metro", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_folder_is_imported_with_a_summary_then_recognised(tenant_a: Tenant, tmp_path: object) -> None:
    folder = str(sample_paths()[0].parent)
    out, _ = _run("--tenant", tenant_a.slug, "--workers", "1", folder)
    assert "imported: 40 invoices, 530 lines" in out
    assert "duplicates skipped: 0" in out
    assert "not reconciled: 0" in out
    assert "errors: 0" in out
    with in_schema(tenant_a):
        assert Invoice.objects.count() == 40
    one = str(sample_paths("135_13_81001")[0])
    out, _ = _run("--tenant", tenant_a.slug, one)
    assert "imported: 0 invoices" in out
    assert "duplicates skipped: 1" in out


def test_bad_files_are_listed_in_the_summary(tenant_a: Tenant, tmp_path: object) -> None:
    bad = Path(str(tmp_path)) / "bad.pdf"
    bad.write_bytes(b"hello")
    out, _ = _run("--tenant", tenant_a.slug, str(bad), str(sample_paths("135_13_81001")[0]))
    assert "imported: 1 invoices" in out
    assert "errors: 1" in out
    assert "bad.pdf: [not_pdf]" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--tenant", "nobody", "."), "unknown tenant: nobody [unknown_tenant]"),
        (
            ("--tenant", "alpha", "/no/such/path.pdf"),
            "no such file or folder: /no/such/path.pdf [no_such_path]",
        ),
    ],
)
def test_bad_arguments_exit_2_with_one_line(tenant_a: Tenant, args: tuple[str, ...], message: str) -> None:
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_metro", *args, stdout=io.StringIO(), stderr=err)
    assert exit_info.value.code == 2
    assert err.getvalue().strip() == f"error: {message}"


def test_costly_pdfs_from_the_command_line_are_too_complex_and_the_import_goes_on(
    tenant_a: Tenant, tmp_path: Path, settings: Any
) -> None:
    costly = tmp_path / "costly"
    costly.mkdir()
    for n in range(2):  # each takes about 1 s of CPU to parse: far beyond this budget
        (costly / f"costly{n}.pdf").write_bytes(hostile_pdf(pages=4, content_bytes=250_000) + b"%" * n)
    settings.METRO_PARSE_WALL_SECONDS = 0.4
    out, _ = _run("--tenant", tenant_a.slug, "--workers", "1", str(costly))
    assert "errors: 2" in out
    assert "costly0.pdf: [too_complex]" in out
    assert "costly1.pdf: [too_complex]" in out
    settings.METRO_PARSE_WALL_SECONDS = 60.0  # a good file, through the same sandbox, on a busy machine
    out, _ = _run("--tenant", tenant_a.slug, str(sample_paths("135_13_81001")[0]))
    assert "imported: 1 invoices" in out
