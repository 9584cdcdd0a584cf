"""/analytics/depenses/synthese and the dashboard's depenses_mois: expenses plus the supplier invoices of
the purchases centre, per month and centre against the monthly budget."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from tenant_apps.metro.models import Invoice
from tests.factories.access import api_key_for, key_headers, member_with_role
from tests.factories.expenses import centre_named, expense_make
from tests.factories.metro import import_samples

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/analytics/depenses/synthese"
# A real invoice and a credit note of July 2024 (the credit note counts negative).
JULY_2024 = ("135_16_255678", "135_16_255679")


def _budget(tenant: Tenant, name: str, amount: str) -> None:
    centre = centre_named(tenant, name)
    with schema_context(tenant.schema_name):
        centre.monthly_budget = Decimal(amount)
        centre.save(update_fields=["monthly_budget"])


def _invoices(tenant: Tenant, start: date, end: date) -> tuple[Decimal, Decimal]:
    with schema_context(tenant.schema_name):
        totals = Invoice.objects.filter(invoice_date__range=(start, end)).aggregate(
            ht=Sum("total_net"), ttc=Sum("total_gross")
        )
    return totals["ht"] or Decimal(0), totals["ttc"] or Decimal(0)


def _rows(client: Client, **query: Any) -> dict[tuple[str, str], dict[str, Any]]:
    response = client.get(URL, query)
    assert response.status_code == 200, response.content
    return {(row["annee_mois"], row["centre_cout"]): row for row in response.json()}


def test_each_month_and_centre_against_its_budget_purchases_in_raw_materials(
    tenant_a: Tenant, reader_a: Client
) -> None:
    import_samples(tenant_a, *JULY_2024)
    invoices_ht, invoices_ttc = _invoices(tenant_a, date(2024, 7, 1), date(2024, 7, 31))
    assert invoices_ht > 0
    _budget(tenant_a, "Matières premières", "2000.00")
    _budget(tenant_a, "Locaux", "1500.00")
    _budget(tenant_a, "Marketing", "300.00")
    raw, premises, energy = (centre_named(tenant_a, n) for n in ("Matières premières", "Locaux", "Énergie"))
    expense_make(tenant_a, centre=raw, ht="100.00", vat_rate="5.5", day=date(2024, 7, 2))
    expense_make(tenant_a, centre=premises, ht="1500.00", day=date(2024, 7, 1))
    expense_make(tenant_a, centre=energy, ht="210.40", day=date(2024, 7, 31))
    expense_make(tenant_a, centre=energy, ht="99.00", day=date(2024, 8, 1))
    rows = _rows(reader_a, annee=2024, mois=7)
    assert {centre for _, centre in rows} == {"Matières premières", "Locaux", "Énergie", "Marketing"}
    food = rows["2024-07", "Matières premières"]
    assert Decimal(food["total_ht"]) == invoices_ht + Decimal("100.00")
    assert Decimal(food["total_ttc"]) == invoices_ttc + Decimal("105.50")
    expected = ((invoices_ht + 100) / 2000 * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
    assert Decimal(food["execution_pct"]) == expected
    assert (food["annee"], food["mois"], food["type_cout"]) == (2024, 7, "variable")
    assert rows["2024-07", "Locaux"]["execution_pct"] == "100.0"
    assert (rows["2024-07", "Énergie"]["total_ht"], rows["2024-07", "Énergie"]["execution_pct"]) == (
        "210.40",
        None,
    )
    assert (rows["2024-07", "Marketing"]["total_ht"], rows["2024-07", "Marketing"]["execution_pct"]) == (
        "0.00",
        "0.0",
    )
    every_month = reader_a.get(URL).json()
    assert next(row["annee_mois"] for row in every_month) == "2024-08"  # newest month first
    assert _rows(reader_a, annee=2024)["2024-08", "Énergie"]["total_ht"] == "99.00"


def test_a_month_without_spending_lists_the_budgets(tenant_a: Tenant, reader_a: Client) -> None:
    _budget(tenant_a, "Locaux", "1500.00")
    rows = _rows(reader_a, annee=2031, mois=1)
    assert list(rows) == [("2031-01", "Locaux")]
    assert (rows["2031-01", "Locaux"]["total_ht"], rows["2031-01", "Locaux"]["execution_pct"]) == (
        "0.00",
        "0.0",
    )


def test_without_a_purchases_centre_invoices_are_left_out(tenant_a: Tenant, reader_a: Client) -> None:
    import_samples(tenant_a, *JULY_2024)
    raw = centre_named(tenant_a, "Matières premières")
    with schema_context(tenant_a.schema_name):
        raw.is_purchases = False
        raw.save(update_fields=["is_purchases"])
    assert _rows(reader_a, annee=2024, mois=7) == {}


@pytest.mark.parametrize("query", [{"mois": "13"}, {"annee": "deux-mille"}])
def test_a_bad_period_is_a_422(reader_a: Client, query: dict[str, str]) -> None:
    response = reader_a.get(URL, query)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["details"]["errors"]] == list(query)


def test_the_dashboard_counts_the_month_up_to_its_reference_day(tenant_a: Tenant, reader_a: Client) -> None:
    import_samples(tenant_a, *JULY_2024)
    invoices_ht, _ = _invoices(tenant_a, date(2024, 7, 1), date(2024, 7, 15))
    assert invoices_ht > 0
    energy = centre_named(tenant_a, "Énergie")
    for day, ht in ((date(2024, 6, 30), "1.00"), (date(2024, 7, 1), "20.00"), (date(2024, 7, 15), "3.00")):
        expense_make(tenant_a, centre=energy, ht=ht, day=day)
    expense_make(tenant_a, centre=energy, ht="400.00", day=date(2024, 7, 16))
    body = reader_a.get("/api/v1/analytics/dashboard", {"date": "2024-07-15"}).json()
    assert Decimal(body["depenses_mois"]) == invoices_ht + Decimal("23.00")
    assert (
        reader_a.get("/api/v1/analytics/dashboard", {"date": "2024-01-10"}).json()["depenses_mois"] == "0.00"
    )


def test_a_key_for_analytics_alone_sees_no_expenses(tenant_a: Tenant) -> None:
    expense_make(tenant_a, centre=centre_named(tenant_a, "Énergie"), ht="20.00", day=date(2024, 3, 1))
    key = api_key_for(member_with_role(tenant_a, "owner"), ["analytics:read"])
    client = Client(HTTP_HOST="alpha.testserver", **key_headers(key))
    body = client.get("/api/v1/analytics/dashboard", {"date": "2024-03-15"}).json()
    assert body["depenses_mois"] is None
    assert client.get(URL).status_code == 403
