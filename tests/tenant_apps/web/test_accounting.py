"""/comptabilite: the journals' totals of a period, the FEC download, the SIREN and the chart of accounts
(an administrator edits them with plain forms; the accountant reads and downloads)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tests.factories.metro import import_samples

from .conftest import text
from .test_matrix import _signed_in

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

SIREN = "732829320"
INVOICE_2022 = "135_11_200921"  # 0/0(135)0011/032813, 2022-10-04, 774.72 HT at 20 %, 929.66 TTC


def _file(response: Any) -> str:
    return b"".join(response.streaming_content).decode("iso-8859-15")


def test_the_page_shows_each_journals_totals_for_the_year(tenant_a: Tenant) -> None:
    import_samples(tenant_a, INVOICE_2022)
    admin = _signed_in(tenant_a, "admin")
    page = text(admin.get("/comptabilite", {"annee": "2022"}))
    assert "AC · Achats" in page
    assert "929,66" in page  # Σ debit = Σ credit = the invoice's TTC
    assert "VT · Ventes" in page
    assert "Le SIREN de l'entreprise n'est pas renseigné" in page
    assert 'name="numero:purchase:20.00" value="607020"' in page


def test_an_administrator_sets_the_siren_and_downloads_the_fec(tenant_a: Tenant) -> None:
    import_samples(tenant_a, INVOICE_2022)
    admin = _signed_in(tenant_a, "admin")
    refused = admin.get("/comptabilite/fec", {"annee": "2022"})
    assert refused.status_code == 400
    assert "Renseignez d'abord le SIREN" in text(refused)
    assert admin.post("/comptabilite/siren", {"siren": "123456789"}).status_code == 400
    assert admin.post("/comptabilite/siren", {"siren": SIREN}).status_code == 302
    response = admin.get("/comptabilite/fec", {"annee": "2022"})
    assert response["Content-Disposition"] == f'attachment; filename="{SIREN}FEC20221231.txt"'
    body = _file(response)
    assert body.startswith("JournalCode\tJournalLib\tEcritureNum\t")
    assert "0/0(135)0011/032813" in body


def test_the_chart_form_changes_and_resets_accounts_without_javascript(tenant_a: Tenant) -> None:
    import_samples(tenant_a, INVOICE_2022)
    admin = _signed_in(tenant_a, "admin")
    admin.post("/comptabilite/siren", {"siren": SIREN})
    form = {"numero:purchase:20.00": "607100", "libelle:purchase:20.00": "Achats boissons"}
    assert admin.post("/comptabilite/comptes", form).status_code == 302
    body = _file(admin.get("/comptabilite/fec", {"annee": "2022"}))
    assert "607100\tAchats boissons" in body
    refused = admin.post("/comptabilite/comptes", {"numero:purchase:20.00": "X1"})
    assert refused.status_code == 400
    assert "trois chiffres du plan comptable" in text(refused)
    assert admin.post("/comptabilite/comptes", {"numero:purchase:20.00": ""}).status_code == 302
    assert 'name="numero:purchase:20.00" value="607020"' in text(admin.get("/comptabilite"))


def test_the_accountant_reads_the_chart_and_downloads_but_edits_nothing(tenant_a: Tenant) -> None:
    _signed_in(tenant_a, "admin").post("/comptabilite/siren", {"siren": SIREN})
    accountant: Client = _signed_in(tenant_a, "accountant")
    page = text(accountant.get("/comptabilite"))
    assert "Télécharger le FEC" in page
    assert 'name="numero:' not in page
    assert "Comptabilité</a>" in page  # in the navigation
    assert accountant.get("/comptabilite/fec", {"annee": "2024"}).status_code == 200
    assert accountant.post("/comptabilite/comptes", {"numero:purchase:20.00": "607100"}).status_code == 403
    assert "Comptabilité</a>" not in text(_signed_in(tenant_a, "manager").get("/"))
