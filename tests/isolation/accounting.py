"""Isolation scenarios of the accounting routes: at A a METRO invoice, a till day, A's own account and
SIREN; an administrator of B (with a SIREN of its own, so that B's export answers) calls."""

from __future__ import annotations

from shared_apps.tenants.models import Tenant

from .registry import Probe, Scenario

SIREN_A = "732829320"
SIREN_B = "542107651"


def _accounting(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, object]:
    from django_tenants.utils import schema_context

    from sumup_etl import read_export
    from tenant_apps.accounting.services import AccountChange, accounts_update, siren_set
    from tenant_apps.sales.models import ImportSource
    from tenant_apps.sales.services import sales_import_files
    from tests.factories.metro import bearer_for, import_samples
    from tests.factories.sumup import SumupExportBuilder

    import_samples(tenant_a, "135_13_81001")  # 0/0(135)0013/015009 of 2020-08-13
    builder = SumupExportBuilder().add_order(
        "ORDER-OF-A", closed="2020-08-14 21:40:00", payments=(("Moyen secret de A", "27,00"),)
    )
    with schema_context(tenant_a.schema_name):
        sales_import_files(
            sources=[], export=read_export(list(builder.files().items())), source=ImportSource.CLI
        )
        secret = AccountChange(key="purchase:20.00", number="607999", label="Libellé secret de A")
        accounts_update(tenant=tenant_a, changes=[secret], actor=None)
    siren_set(tenant=tenant_a, siren=SIREN_A, actor=None)
    siren_set(tenant=tenant_b, siren=SIREN_B, actor=None)
    return {
        "secrets": [
            SIREN_A,
            "0/0(135)0013/015009",
            "607999",
            "Libellé secret de A",
            "Moyen secret de A",
            "Z20200814",
        ],
        "schema_a": tenant_a.schema_name,
        "auth_b": bearer_for(tenant_b, admin=True),
    }


def _a_unchanged(ctx: dict[str, object]) -> None:
    from django_tenants.utils import schema_context

    from shared_apps.tenants.models import Tenant
    from tenant_apps.accounting.selectors import accounts_resolve, company_siren

    with schema_context(str(ctx["schema_a"])):
        assert accounts_resolve(["purchase:20.00"])["purchase:20.00"].number == "607999"
    tenant_a = Tenant.objects.get(schema_name=str(ctx["schema_a"]))
    assert company_siren(tenant=tenant_a) == SIREN_A


_YEAR = Probe(query=lambda ctx: {"annee": "2020"})

ACCOUNTING_SCENARIOS: dict[str, Scenario] = {
    "api:accounting-fec": Scenario(arrange=_accounting, probes=(_YEAR,)),
    "api:accounting-journals": Scenario(arrange=_accounting, probes=(_YEAR,)),
    "api:accounting-accounts": Scenario(
        arrange=_accounting,
        probes=(
            Probe(),
            Probe(
                method="put",
                body=lambda ctx: {"comptes": [{"cle": "purchase:20.00", "numero": "607020", "libelle": "B"}]},
            ),
        ),
        after=_a_unchanged,
    ),
    "api:accounting-settings": Scenario(
        arrange=_accounting,
        probes=(Probe(), Probe(method="put", body=lambda ctx: {"siren": SIREN_B})),
        after=_a_unchanged,
    ),
}
