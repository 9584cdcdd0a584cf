"""The SumUp import through its public service: what is stored, idempotence, time zones, invalid orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from sumup_etl import read_export
from tenant_apps.sales.models import Order, OrderLine, OrderPayment
from tenant_apps.sales.services import ExportRejected
from tests.factories.sumup import SumupExportBuilder

from .conftest import Importer

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, Decimal]:
    total = Order.objects.aggregate(s=Sum("total_ttc"))["s"] or Decimal("0")
    return Order.objects.count(), OrderLine.objects.count(), OrderPayment.objects.count(), total


def test_times_are_the_tenants_local_time_made_aware(
    tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path
) -> None:
    builder.add_order("ORDER-2", opened="2024-07-01 12:00:00", closed="2024-07-01 13:30:00")
    import_at(tenant_a, paths=builder.write(tmp_path))
    with schema_context(tenant_a.schema_name):
        winter = Order.objects.get(till_id="ORDER-1")
        summer = Order.objects.get(till_id="ORDER-2")
    paris = ZoneInfo("Europe/Paris")
    assert winter.closed_at == datetime(2024, 1, 5, 21, 40, tzinfo=paris)  # UTC+1
    assert winter.closed_at.astimezone(ZoneInfo("UTC")).hour == 20
    assert summer.closed_at.astimezone(ZoneInfo("UTC")).hour == 11  # UTC+2 in summer
    with schema_context(tenant_a.schema_name):
        line = OrderLine.objects.filter(order=winter).first()
        assert line is not None
        assert line.closed_at == winter.closed_at


def test_a_tenant_in_another_zone_reads_the_same_wall_clock_there(
    tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path
) -> None:
    tenant_a.settings = {**tenant_a.settings, "time_zone": "America/Martinique"}
    tenant_a.save(update_fields=["settings"])
    import_at(tenant_a, paths=builder.write(tmp_path))
    with schema_context(tenant_a.schema_name):
        order = Order.objects.get(till_id="ORDER-1")
    assert order.closed_at == datetime(2024, 1, 5, 21, 40, tzinfo=ZoneInfo("America/Martinique"))


def test_an_order_whose_lines_miss_its_total_is_reported_and_loaded_only_when_forced(
    tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path
) -> None:
    builder.add_order("ORDER-BAD")
    bad = next(row for row in builder.rows["totaux"] if row["ID commande"] == "ORDER-BAD")
    bad["CA TTC"] = "99,00"
    paths = builder.write(tmp_path)
    result = import_at(tenant_a, paths=paths)
    assert (result.imported, result.invalid) == (1, 1)
    assert result.invalid_orders[0]["id_commande"] == "ORDER-BAD"
    assert "lines_total_mismatch" in {p["code"] for p in result.invalid_orders[0]["problemes"]}
    with schema_context(tenant_a.schema_name):
        assert not Order.objects.filter(till_id="ORDER-BAD").exists()
    forced = import_at(tenant_a, paths=paths, force=True)
    assert (forced.imported, forced.forced, forced.duplicates) == (1, 1, 1)
    with schema_context(tenant_a.schema_name):
        stored = Order.objects.get(till_id="ORDER-BAD")
        assert stored.forced
        assert "lines_total_mismatch" in {issue["code"] for issue in stored.issues}


@pytest.mark.parametrize(
    ("breakage", "code"),
    [
        ("missing_column", "missing_column"),
        ("bad_number", "bad_value"),
        ("not_an_export", "not_sumup_export"),
    ],
)
def test_a_bad_file_is_a_clear_error_naming_it_and_nothing_is_written(
    tenant_a: Tenant,
    builder: SumupExportBuilder,
    import_at: Importer,
    tmp_path: Path,
    breakage: str,
    code: str,
) -> None:
    builder.add_order("ORDER-2")
    if breakage == "missing_column":
        builder.drop_column("produits", "CA HT")
    elif breakage == "bad_number":
        builder.rows["produits"][-1]["CA TTC"] = "douze"
    paths = builder.write(tmp_path)
    if breakage == "not_an_export":
        (tmp_path / "notes.csv").write_text("a;b\n1;2\n", encoding="utf-8")
        paths.append(tmp_path / "notes.csv")
    with pytest.raises(ExportRejected) as caught:
        import_at(tenant_a, paths=paths)
    assert caught.value.code == code
    assert caught.value.details["file"]
    assert caught.value.details["file"] in caught.value.message
    with schema_context(tenant_a.schema_name):
        assert _counts()[:3] == (0, 0, 0)


def test_a_crash_after_some_chunks_is_finished_by_importing_again(
    tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    import tenant_apps.sales.services.imports as imports

    for index in range(2, 6):
        builder.add_order(
            f"ORDER-{index}", closed=f"2024-01-0{index} 22:00:00", opened=f"2024-01-0{index} 20:00:00"
        )
    export = read_export([(name, data) for name, data in builder.files().items()])
    monkeypatch.setattr(imports, "CHUNK_SIZE", 2)
    real_write = imports._chunk_write
    calls = {"n": 0}

    def dies_on_the_second_chunk(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        real_write(*args, **kwargs)  # type: ignore[arg-type]
        if calls["n"] == 2:
            raise RuntimeError("worker killed")

    monkeypatch.setattr(imports, "_chunk_write", dies_on_the_second_chunk)
    with pytest.raises(RuntimeError):
        import_at(tenant_a, export=export)
    with schema_context(tenant_a.schema_name):
        assert Order.objects.count() == 2  # the first chunk committed, the second rolled back whole
        assert OrderLine.objects.count() == 4
    monkeypatch.setattr(imports, "_chunk_write", real_write)
    result = import_at(tenant_a, export=export)
    assert (result.imported, result.duplicates) == (3, 2)
    with schema_context(tenant_a.schema_name):
        assert Order.objects.count() == 5
