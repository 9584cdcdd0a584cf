"""EcritureNum: each journal numbered continuously from 1 over the fiscal year (A47 A-1 LPF), and a file of
part of the fiscal year, given the year's first day, keeps the numbers its entries have in the whole year."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tests.factories.expenses import centre_named, expense_make
from tests.factories.sumup import SumupExportBuilder

from .conftest import FecRow, Importer, export, fec_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

EXPENSE_DAYS = (date(2024, 1, 10), date(2024, 2, 5), date(2024, 3, 1), date(2024, 3, 20))
TILL_DAYS = ("2024-01-06", "2024-02-14", "2024-03-10")


@pytest.fixture
def year_2024(tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path) -> None:
    """Four expenses (purchases journal) and three till days (sales journal) over Q1 2024."""
    general = centre_named(tenant_a, "Frais généraux")
    for day in EXPENSE_DAYS:
        expense_make(tenant_a, centre=general, ht="10.00", day=day, supplier=f"Fournisseur {day:%m%d}")
    builder = SumupExportBuilder()
    for n, till_day in enumerate(TILL_DAYS):
        builder.add_order(f"ORDER-{n}", opened=f"{till_day} 12:00:00", closed=f"{till_day} 13:00:00")
    import_at(tenant_a, paths=builder.write(tmp_path))


def _numbers(client: Client, **query: object) -> dict[tuple[str, str], str]:
    """Each entry's number, by (journal, piece), read from the file."""
    response = export(client, **query)
    assert response.status_code == 200, response.content
    rows: list[FecRow] = fec_rows(b"".join(response.streaming_content))[1]
    return {(r.journal, r.piece): r.number for r in rows}


@pytest.mark.usefixtures("year_2024")
def test_each_journal_is_numbered_from_1_without_gap_in_date_order(with_siren: Client) -> None:
    numbers = _numbers(with_siren, annee=2024)
    for journal, count in (("AC", len(EXPENSE_DAYS)), ("VT", len(TILL_DAYS))):
        entries = sorted((piece, number) for (code, piece), number in numbers.items() if code == journal)
        assert sorted(n for _piece, n in entries) == [f"{journal}{i:06d}" for i in range(1, count + 1)]
    till = [numbers[("VT", f"Z{day.replace('-', '')}")] for day in TILL_DAYS]
    assert till == ["VT000001", "VT000002", "VT000003"]  # in date order


@pytest.mark.usefixtures("year_2024")
def test_part_of_the_fiscal_year_keeps_the_numbers_of_the_whole_years_file(with_siren: Client) -> None:
    whole = _numbers(with_siren, annee=2024)
    march = _numbers(with_siren, date_debut="2024-03-01", date_fin="2024-03-31", debut_exercice="2024-01-01")
    assert sorted(march.values()) == ["AC000003", "AC000004", "VT000003"]
    assert march == {key: whole[key] for key in march}
    # Without its fiscal year's first day, the period is taken as the fiscal year: numbered from 1.
    alone = _numbers(with_siren, date_debut="2024-03-01", date_fin="2024-03-31")
    assert sorted(alone.values()) == ["AC000001", "AC000002", "VT000001"]


@pytest.mark.usefixtures("year_2024")
def test_a_fiscal_year_not_on_the_calendar_is_numbered_from_its_own_first_day(with_siren: Client) -> None:
    numbers = _numbers(with_siren, date_debut="2024-02-01", date_fin="2025-01-31")
    assert sorted(numbers.values()) == ["AC000001", "AC000002", "AC000003", "VT000001", "VT000002"]
    part = _numbers(with_siren, date_debut="2024-03-15", date_fin="2024-03-31", debut_exercice="2024-02-01")
    assert list(part.values()) == ["AC000003"]


@pytest.mark.parametrize(
    "query",
    [
        {"date_debut": "2024-03-01", "date_fin": "2024-03-31", "debut_exercice": "2024-03-02"},
        {"date_debut": "2024-03-01", "date_fin": "2024-03-31", "debut_exercice": "2022-03-01"},
    ],
)
def test_the_fiscal_years_first_day_must_precede_the_period_within_24_months(
    with_siren: Client, query: dict[str, object]
) -> None:
    response = export(with_siren, **query)
    assert response.status_code == 400
    assert response.json()["error"] == "INVALID_PERIOD"
