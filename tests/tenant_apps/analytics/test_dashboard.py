"""/analytics/dashboard as of a day: the nine figures, sales over the 30 days ending on it."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from shared_apps.tenants.models import Tenant
from sumup_etl import Export
from tenant_apps.catalog.models import Category
from tests.factories.sales import Importer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_ratelimit")]

URL = "/api/v1/analytics/dashboard"
FIELDS = {
    "valeur_stock_total", "nb_produits_rupture", "rotation_moyenne", "ca_30j", "nb_plats_vendus_30j",
    "marge_brute_30j", "food_cost_moyen", "depenses_mois", "nb_categories",
}  # fmt: skip


@pytest.mark.parametrize("day", ["2025-11-08", "2024-06-30"])
def test_the_dashboard_as_of_a_day_sums_the_30_days_ending_on_it(
    tenant_a: Tenant, real_export: Export, import_at: Importer, reader_a: Client, day: str
) -> None:
    import_at(tenant_a, export=real_export)
    body = reader_a.get(URL, {"date": day}).json()
    assert set(body) == FIELDS
    end = datetime.fromisoformat(day) + timedelta(days=1) - timedelta(microseconds=1)
    orders = real_export.closed_between(end - timedelta(days=30) + timedelta(microseconds=1), end)
    assert orders
    assert Decimal(body["ca_30j"]) == sum((o.total_ttc for o in orders), Decimal(0))
    sold = sum((line.quantity for o in orders for line in o.lines), Decimal(0))
    assert Decimal(body["nb_plats_vendus_30j"]) == sold
    ht = sum((o.total_ht for o in orders), Decimal(0))
    assert Decimal(body["marge_brute_30j"]) == ht  # no recipe yet: no material cost known
    assert body["food_cost_moyen"] is None
    assert body["depenses_mois"] == "0.00"  # nothing spent: no expense, no supplier invoice
    with schema_context(tenant_a.schema_name):
        assert body["nb_categories"] == Category.objects.count()


def test_the_dashboard_of_an_empty_tenant_is_zeros(reader_a: Client) -> None:
    body = reader_a.get(URL, {"date": "2025-01-31"}).json()
    assert (body["ca_30j"], body["valeur_stock_total"], body["nb_produits_rupture"]) == ("0.00", "0.00", 0)
    assert reader_a.get(URL, {"date": "31/01/2025"}).status_code == 422
