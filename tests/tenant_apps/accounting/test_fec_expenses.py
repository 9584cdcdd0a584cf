"""Expenses in the FEC's purchases journal: one balanced entry each on its category's charge account, its
VAT deductible by rate, its supplier as an auxiliary account; merged by date with the METRO invoices."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tests.factories.expenses import category_named, centre_named, expense_make
from tests.factories.metro import import_samples

from .conftest import SIREN, FecRow, export, fec_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

INVOICE_2020 = "10_6_153718"  # METRO, 2020-01-04, total 472.77


def _rows(client: Client, year: int) -> list[FecRow]:
    response = export(client, annee=year)
    assert response.status_code == 200
    return fec_rows(b"".join(response.streaming_content))[1]


def _entries(rows: list[FecRow]) -> dict[str, list[FecRow]]:
    entries: dict[str, list[FecRow]] = defaultdict(list)
    for row in rows:
        entries[row.number].append(row)
    return entries


def test_an_expense_is_a_balanced_entry_on_its_categorys_account_its_vat_and_its_supplier(
    with_siren: Client, tenant_a: Tenant
) -> None:
    rent = category_named(tenant_a, "Loyer")
    expense = expense_make(
        tenant_a,
        centre=centre_named(tenant_a, "Locaux"),
        category=rent,
        ht="1234.56",
        day=date(2024, 3, 1),
        supplier="SCI Les Tilleuls",
        label="Loyer de mars",
    )
    rows = _rows(with_siren, 2024)
    assert {r.number for r in rows} == {"AC000001"}
    by_account = {r.account: r for r in rows}
    assert sorted(by_account) == ["401000", "445664", "613200"]
    assert by_account["613200"].debit == expense.amount_ht
    assert by_account["445664"].debit == expense.vat == Decimal("246.91")
    supplier = by_account["401000"]
    assert supplier.credit == expense.amount_ttc
    assert (supplier.aux, supplier.fields[7]) == ("SCILESTILLEULS", "SCI Les Tilleuls")
    assert sum(r.debit for r in rows) == sum(r.credit for r in rows)
    assert rows[0].date == "20240301"
    assert rows[0].fields[10] == "SCI Les Tilleuls Loyer de mars"


def test_an_expense_without_a_category_goes_to_628_and_one_outside_vat_has_no_vat_line(
    with_siren: Client, tenant_a: Tenant
) -> None:
    general = centre_named(tenant_a, "Frais généraux")
    expense_make(tenant_a, centre=general, ht="80.00", day=date(2024, 5, 2), vat_rate="5.5")
    insurance = category_named(tenant_a, "Assurances")
    expense_make(
        tenant_a, centre=general, category=insurance, ht="300.00", day=date(2024, 5, 3), vat_rate="0"
    )
    entries = _entries(_rows(with_siren, 2024))
    first, second = entries["AC000001"], entries["AC000002"]
    assert sorted((r.account, r.debit, r.credit) for r in first) == [
        ("401000", Decimal("0.00"), Decimal("84.40")),
        ("445662", Decimal("4.40"), Decimal("0.00")),
        ("628000", Decimal("80.00"), Decimal("0.00")),
    ]
    assert sorted((r.account, r.debit, r.credit) for r in second) == [
        ("401000", Decimal("0.00"), Decimal("300.00")),
        ("616000", Decimal("300.00"), Decimal("0.00")),
    ]


def test_a_year_of_invoices_and_expenses_is_balanced_and_numbered_by_date_without_gap(
    with_siren: Client, tenant_a: Tenant
) -> None:
    import_samples(tenant_a, INVOICE_2020)  # 2020-01-04
    energy, fees = category_named(tenant_a, "Électricité"), category_named(tenant_a, "Honoraires comptables")
    centre = centre_named(tenant_a, "Frais généraux")
    expense_make(tenant_a, centre=centre, category=energy, ht="99.99", day=date(2020, 1, 2), vat_rate="20")
    expense_make(tenant_a, centre=centre, category=fees, ht="450.00", day=date(2020, 1, 10))
    expense_make(tenant_a, centre=centre, category=energy, ht="12.34", day=date(2020, 3, 1), vat_rate="5.5")
    rows = _rows(with_siren, 2020)
    entries = _entries(rows)
    assert list(entries) == ["AC000001", "AC000002", "AC000003", "AC000004"]
    assert [lines[0].date for lines in entries.values()] == ["20200102", "20200104", "20200110", "20200301"]
    assert entries["AC000002"][0].piece == "0/0(010)0006/000488"  # the METRO invoice, between two expenses
    assert {r.account for r in entries["AC000003"]} == {"622600", "445664", "401000"}
    for lines in entries.values():
        assert sum(r.debit for r in lines) == sum(r.credit for r in lines)
    totals = with_siren.get("/api/v1/comptabilite/journaux", {"annee": 2020}).json()
    purchases = next(j for j in totals["journaux"] if j["code"] == "AC")
    assert purchases["nb_ecritures"] == 4
    assert (
        Decimal(purchases["total_debit"]) == sum(r.debit for r in rows) == Decimal(purchases["total_credit"])
    )
    expenses_ttc = Decimal("119.99") + Decimal("540.00") + Decimal("13.02")
    assert Decimal(purchases["total_credit"]) == expenses_ttc + Decimal("472.77")


def test_the_chart_lists_the_expense_categories_and_an_override_moves_their_entries(
    with_siren: Client, tenant_a: Tenant
) -> None:
    listed = {a["cle"]: a["numero"] for a in with_siren.get("/api/v1/comptabilite/comptes").json()}
    assert listed["expense:Loyer"] == "613200"
    assert listed["expense:Frais bancaires"] == "627000"
    changed = with_siren.put(
        "/api/v1/comptabilite/comptes",
        data={"comptes": [{"cle": "expense:Loyer", "numero": "613210", "libelle": "Loyer du restaurant"}]},
        content_type="application/json",
    )
    assert changed.status_code == 200, changed.content
    expense_make(
        tenant_a,
        centre=centre_named(tenant_a, "Locaux"),
        category=category_named(tenant_a, "Loyer"),
        ht="1000.00",
        day=date(2024, 2, 1),
    )
    assert "613210" in {r.account for r in _rows(with_siren, 2024)}


def test_tenant_bs_expenses_never_appear_in_as_file(
    with_siren: Client, tenant_a: Tenant, tenant_b: Tenant, admin_b: Client
) -> None:
    expense_make(
        tenant_a, centre=centre_named(tenant_a, "Locaux"), ht="10.00", day=date(2024, 4, 1), supplier="A"
    )
    expense_make(
        tenant_b,
        centre=centre_named(tenant_b, "Locaux"),
        ht="20.00",
        day=date(2024, 4, 1),
        supplier="Bailleur B",
    )
    rows_a = _rows(with_siren, 2024)
    assert {r.fields[7] for r in rows_a if r.account == "401000"} == {"A"}
    assert sum(r.credit for r in rows_a) == Decimal("12.00")
    admin_b.put("/api/v1/comptabilite/parametres", data={"siren": SIREN}, content_type="application/json")
    rows_b = _rows(admin_b, 2024)
    assert {r.fields[7] for r in rows_b if r.account == "401000"} == {"Bailleur B"}


def test_one_supplier_typed_several_ways_is_one_auxiliary_account_labelled_as_first_typed(
    with_siren: Client, tenant_a: Tenant
) -> None:
    general = centre_named(tenant_a, "Frais généraux")
    spellings = [
        (date(2024, 3, 1), "Boulangerie Dupont"),
        (date(2024, 3, 2), "boulangerie  dupont"),
        (date(2024, 3, 3), "Boulangerie Dupont "),
        (date(2024, 4, 1), "Épicerie Martin"),
        (date(2024, 4, 2), "Epicerie martin"),
    ]
    for day, supplier in spellings:
        expense_make(tenant_a, centre=general, ht="10.00", day=day, supplier=supplier)
    rows = _rows(with_siren, 2024)
    suppliers = [r for r in rows if r.account == "401000"]
    assert len(suppliers) == 5
    assert {aux: {r.fields[7] for r in suppliers if r.aux == aux} for aux in {r.aux for r in suppliers}} == {
        "BOULANGERIEDUPONT": {"Boulangerie Dupont"},
        "EPICERIEMARTIN": {"Épicerie Martin"},
    }
    for entry in _entries(rows).values():
        assert sum(r.debit for r in entry) == sum(r.credit for r in entry) == Decimal("12.00")


def test_a_supplier_account_set_under_one_spelling_serves_every_spelling(
    with_siren: Client, tenant_a: Tenant
) -> None:
    general = centre_named(tenant_a, "Frais généraux")
    expense_make(tenant_a, centre=general, ht="10.00", day=date(2024, 3, 1), supplier="épicerie  martin")
    expense_make(tenant_a, centre=general, ht="10.00", day=date(2024, 3, 2), supplier="Metro")
    change = {
        "cle": "supplier:Épicerie Martin",
        "numero": "401100",
        "libelle": "Fournisseurs locaux",
        "numero_auxiliaire": "MARTIN",
    }
    changed = with_siren.put(
        "/api/v1/comptabilite/comptes", {"comptes": [change]}, content_type="application/json"
    )
    assert changed.status_code == 200, changed.content
    suppliers = {r.aux: r for r in _rows(with_siren, 2024) if r.account.startswith("401")}
    assert (suppliers["MARTIN"].account, suppliers["MARTIN"].fields[7]) == (
        "401100",
        "épicerie martin",
    )
    # An expense typed "Metro" joins the supplier account of the METRO invoices, not a twin of it.
    assert (suppliers["METRO"].account, suppliers["METRO"].fields[7]) == ("401000", "METRO France")
