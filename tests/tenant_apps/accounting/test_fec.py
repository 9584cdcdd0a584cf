"""The FEC export through HTTP: its name and format, the SIREN it needs, empty years, the chart of accounts
it follows, who may take it, and that a tenant's file holds its own data only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from shared_apps.audit.models import AuditEvent, EventType
from shared_apps.tenants.models import Tenant
from tenant_apps.accounting.fec import COLUMNS
from tests.factories.metro import import_samples
from tests.factories.sumup import SumupExportBuilder

from .conftest import SIREN, Importer, client_as, export, fec_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

INVOICE_2020 = "10_6_153718"  # 2020-01-04, VAT B 2.27 and D 71.54, total 472.77


def test_the_file_is_named_siren_fec_closing_date_and_its_export_is_audited(
    with_siren: Client, tenant_a: Tenant
) -> None:
    import_samples(tenant_a, INVOICE_2020)
    response = export(with_siren, date_debut="2019-07-01", date_fin="2020-06-30")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{SIREN}FEC20200630.txt"'
    assert response["Content-Type"] == "text/plain; charset=iso-8859-15"
    header, rows = fec_rows(b"".join(response.streaming_content))
    assert header == list(COLUMNS)
    assert len(header) == 18
    first = rows[0].fields
    assert first[:4] == ("AC", "Achats", "AC000001", "20200104")
    assert first[8:10] == ("0/0(010)0006/000488", "20200104")
    assert sorted(r.account for r in rows) == ["401000", "445662", "445664", "607020", "607055"]
    assert next(r for r in rows if r.account == "401000").fields[12] == "472,77"
    exported = AuditEvent.objects.filter(tenant=tenant_a, event_type=EventType.ACCOUNTING_EXPORTED)
    assert exported.get().details == {"start": "2019-07-01", "end": "2020-06-30"}


def test_the_export_is_refused_until_the_siren_is_set(admin_a: Client, tenant_a: Tenant) -> None:
    response = export(admin_a, annee=2024)
    assert response.status_code == 400
    assert response.json()["error"] == "SIREN_MISSING"
    assert not AuditEvent.objects.filter(tenant=tenant_a, event_type=EventType.ACCOUNTING_EXPORTED).exists()


@pytest.mark.parametrize("siren", ["123456789", "12345678", "ABCDEFGHI"])
def test_a_siren_must_have_nine_digits_and_a_valid_key(admin_a: Client, siren: str) -> None:
    response = admin_a.put(
        "/api/v1/comptabilite/parametres", data={"siren": siren}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == "INVALID_SIREN"
    assert admin_a.get("/api/v1/comptabilite/parametres").json() == {"siren": None}


def test_a_year_without_data_is_the_header_alone(with_siren: Client, tenant_a: Tenant) -> None:
    import_samples(tenant_a, INVOICE_2020)
    response = export(with_siren, annee=2019)
    header, rows = fec_rows(b"".join(response.streaming_content))
    assert (header, rows) == (list(COLUMNS), [])
    totals = with_siren.get("/api/v1/comptabilite/journaux", {"annee": 2019}).json()
    assert [(j["code"], j["nb_ecritures"], j["total_debit"]) for j in totals["journaux"]] == [
        ("AC", 0, "0.00"),
        ("VT", 0, "0.00"),
    ]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"annee": 2024, "date_debut": "2024-01-01"},
        {"date_debut": "2024-01-01"},
        {"date_debut": "2024-02-01", "date_fin": "2024-01-01"},
        {"date_debut": "2022-01-01", "date_fin": "2024-01-01"},
    ],
)
def test_a_period_is_a_year_or_two_dates_of_at_most_24_months(
    with_siren: Client, query: dict[str, object]
) -> None:
    response = export(with_siren, **query)
    assert response.status_code == 400
    assert response.json()["error"] == "INVALID_PERIOD"


def test_journal_totals_equal_the_files_debits_and_credits(
    with_siren: Client, tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path
) -> None:
    import_samples(tenant_a, "135_13_81001")
    builder.add_order("ORDER-2", closed="2024-01-06 12:00:00", payments=(("Carte Bancaire", "25,00"),))
    import_at(tenant_a, paths=builder.write(tmp_path))
    totals = with_siren.get("/api/v1/comptabilite/journaux", {"annee": 2024}).json()
    _header, rows = fec_rows(b"".join(export(with_siren, annee=2024).streaming_content))
    for journal in totals["journaux"]:
        lines = [r for r in rows if r.journal == journal["code"]]
        assert Decimal(journal["total_debit"]) == sum(r.debit for r in lines) == sum(r.credit for r in lines)
        assert journal["nb_ecritures"] == len({r.number for r in lines})
    assert [j["nb_ecritures"] for j in totals["journaux"]][1] == 2  # two till days


def test_the_file_follows_the_tenants_chart_of_accounts(with_siren: Client, tenant_a: Tenant) -> None:
    import_samples(tenant_a, INVOICE_2020)
    changed = with_siren.put(
        "/api/v1/comptabilite/comptes",
        data={
            "comptes": [
                {"cle": "purchase:20.00", "numero": "607100", "libelle": "Achats boissons"},
                {
                    "cle": "supplier:metro",
                    "numero": "401000",
                    "libelle": "Fournisseurs",
                    "numero_auxiliaire": "F0042",
                    "libelle_auxiliaire": "METRO La Chapelle",
                },
            ]
        },
        content_type="application/json",
    )
    assert changed.status_code == 200
    listed = {a["cle"]: a for a in changed.json()}
    assert (listed["purchase:20.00"]["numero"], listed["purchase:20.00"]["par_defaut"]) == ("607100", False)
    _header, rows = fec_rows(b"".join(export(with_siren, annee=2020).streaming_content))
    purchase = next(r for r in rows if r.account == "607100")
    assert purchase.account_label == "Achats boissons"
    assert next(r for r in rows if r.account == "401000").fields[6:8] == ("F0042", "METRO La Chapelle")
    reset = with_siren.put(
        "/api/v1/comptabilite/comptes",
        data={"comptes": [{"cle": "purchase:20.00", "numero": None}]},
        content_type="application/json",
    )
    assert {a["cle"]: a["numero"] for a in reset.json()}["purchase:20.00"] == "607020"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"cle": "purchase:20.00", "numero": "A07100", "libelle": "x"}, "INVALID_ACCOUNT_NUMBER"),
        ({"cle": "purchase:20.00", "numero": "807100", "libelle": "x"}, "INVALID_ACCOUNT_NUMBER"),
        ({"cle": "nonsense", "numero": "607100", "libelle": "x"}, "UNKNOWN_ACCOUNT_KEY"),
    ],
)
def test_the_chart_refuses_unknown_keys_and_non_pcg_numbers(
    admin_a: Client, change: dict[str, str], code: str
) -> None:
    valid = {"cle": "sales:10.00", "numero": "706100", "libelle": "Restaurant"}
    response = admin_a.put(
        "/api/v1/comptabilite/comptes", data={"comptes": [valid, change]}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"] == code
    listed = {a["cle"]: a["numero"] for a in admin_a.get("/api/v1/comptabilite/comptes").json()}
    assert listed["sales:10.00"] == "707010"  # all or nothing


def test_the_chart_lists_the_payment_methods_the_till_used(
    admin_a: Client, tenant_a: Tenant, builder: SumupExportBuilder, import_at: Importer, tmp_path: Path
) -> None:
    builder.add_order("ORDER-2", payments=(("Chèque", "25,00"),))
    import_at(tenant_a, paths=builder.write(tmp_path))
    listed = {a["cle"]: a for a in admin_a.get("/api/v1/comptabilite/comptes").json()}
    assert listed["payment:Chèque"]["numero"] == "511800"
    assert listed["payment:Espèces"]["numero"] == "530000"


def test_an_accountant_exports_but_does_not_change_the_chart(with_siren: Client, tenant_a: Tenant) -> None:
    accountant = client_as(tenant_a, "accountant")
    assert export(accountant, annee=2024).status_code == 200
    assert accountant.get("/api/v1/comptabilite/comptes").status_code == 200
    change = {"comptes": [{"cle": "sales:10.00", "numero": "706100", "libelle": "x"}]}
    put = accountant.put("/api/v1/comptabilite/comptes", data=change, content_type="application/json")
    assert put.status_code == 403
    assert export(client_as(tenant_a, "manager"), annee=2024).status_code == 403


def test_tenant_b_exports_nothing_of_tenant_a(
    with_siren: Client, tenant_a: Tenant, tenant_b: Tenant, admin_b: Client
) -> None:
    import_samples(tenant_a, INVOICE_2020)
    with_siren.put(
        "/api/v1/comptabilite/comptes",
        data={"comptes": [{"cle": "purchase:20.00", "numero": "607100", "libelle": "A's own"}]},
        content_type="application/json",
    )
    assert admin_b.get("/api/v1/comptabilite/parametres").json() == {"siren": None}
    assert export(admin_b, annee=2020).status_code == 400  # A's SIREN is not B's
    admin_b.put("/api/v1/comptabilite/parametres", data={"siren": SIREN}, content_type="application/json")
    _header, rows = fec_rows(b"".join(export(admin_b, annee=2020).streaming_content))
    assert rows == []
    listed = {a["cle"]: a["numero"] for a in admin_b.get("/api/v1/comptabilite/comptes").json()}
    assert listed["purchase:20.00"] == "607020"
