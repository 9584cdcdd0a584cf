"""Isolation scenarios of the sales routes: a till export imported at A; an administrator of B calls."""

from __future__ import annotations

from shared_apps.tenants.models import Tenant

from .registry import Probe, Scenario


def _sales(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, object]:
    from django_tenants.utils import schema_context

    from sumup_etl import read_export
    from tenant_apps.sales.models import Dish, ImportSource, SalesImport
    from tenant_apps.sales.services import sales_import_files
    from tests.factories.metro import bearer_for
    from tests.factories.sumup import SumupExportBuilder

    builder = SumupExportBuilder().add_order(
        "ORDER-SECRET-OF-A", lines=(("PLAT SECRET DE A", 1, "15,00", "13,64", "1,36"),)
    )
    export = read_export(list(builder.files().items()))
    with schema_context(tenant_a.schema_name):
        sales_import_files(sources=[], export=export, source=ImportSource.CLI)
        job = SalesImport.objects.get()
        dish = Dish.objects.get(till_name="PLAT SECRET DE A")
    return {
        "secrets": ["ORDER-SECRET-OF-A", "PLAT SECRET DE A"],
        "schema_a": tenant_a.schema_name,
        "auth_b": bearer_for(tenant_b, admin=True),
        "job_id": str(job.pk),
        "dish_id": str(dish.pk),
    }


def _orders_unchanged(ctx: dict[str, object]) -> None:
    from django_tenants.utils import schema_context

    from tenant_apps.sales.models import Order

    with schema_context(str(ctx["schema_a"])):
        assert list(Order.objects.values_list("till_id", flat=True)) == ["ORDER-SECRET-OF-A"]


def _dish_unchanged(ctx: dict[str, object]) -> None:
    from django_tenants.utils import schema_context

    from tenant_apps.sales.models import Dish, RecipeLine

    with schema_context(str(ctx["schema_a"])):
        dish = Dish.objects.get(pk=int(str(ctx["dish_id"])))
        assert (dish.name, dish.is_active) == ("PLAT SECRET DE A", True)
        assert not RecipeLine.objects.exists()


def _establishment(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, object]:
    """The sales of A, whose till establishment is mapped, under names that are A's only."""
    from django_tenants.utils import schema_context

    from tenant_apps.sales.models import TillEstablishment
    from tenant_apps.sales.services import establishment_site_set
    from tenant_apps.stock.models import Site

    context = _sales(tenant_a, tenant_b)
    with schema_context(tenant_a.schema_name):
        site = Site.objects.create(name="Site secret de A")
        establishment = TillEstablishment.objects.get()
        establishment_site_set(
            tenant=tenant_a, establishment_id=establishment.establishment_id, site_id=site.pk,
            name="Etablissement secret de A", actor=None,
        )  # fmt: skip
    secrets = [*context["secrets"], "Site secret de A", "Etablissement secret de A"]  # type: ignore[misc]
    return context | {"secrets": secrets, "establishment": establishment.establishment_id, "site": site.pk}


def _establishment_unchanged(ctx: dict[str, object]) -> None:
    from django_tenants.utils import schema_context

    from tenant_apps.sales.models import TillEstablishment

    with schema_context(str(ctx["schema_a"])):
        establishment = TillEstablishment.objects.get()
        assert (establishment.name, establishment.site_id) == ("Etablissement secret de A", ctx["site"])


_SALES = Scenario(arrange=_sales)
_DISH = Probe(path_values=lambda ctx: {"dish_id": str(ctx["dish_id"])})

SALES_SCENARIOS: dict[str, Scenario] = {
    "api:sales-import": Scenario(
        arrange=_sales, probes=(Probe(method="post", body=lambda ctx: {}),), after=_orders_unchanged
    ),
    "api:analytics-sales-restaurant": _SALES,
    "api:sales-coverage": _SALES,
    "api:analytics-dashboard": _SALES,
    "api:stock-variance": Scenario(
        arrange=_sales,
        probes=(Probe(path_values=lambda ctx: {}),),
    ),
    "api:analytics-top-dishes": _SALES,
    "api:dishes": Scenario(
        arrange=_sales, probes=(Probe(), Probe(method="post", body=lambda ctx: {"nom": "le plat de B"}))
    ),
    "api:dish": Scenario(
        arrange=_sales,
        probes=(
            _DISH,
            Probe(method="patch", path_values=_DISH.path_values, body=lambda ctx: {"nom": "pris par B"}),
            Probe(method="delete", path_values=_DISH.path_values),
        ),
        after=_dish_unchanged,
    ),
    "api:dish-recipe": Scenario(
        arrange=_sales,
        probes=(
            _DISH,
            Probe(method="put", path_values=_DISH.path_values, body=lambda ctx: {}),
        ),
        after=_dish_unchanged,
    ),
    "api:sales-establishments": Scenario(arrange=_establishment),
    "api:sales-establishment": Scenario(
        arrange=_establishment,
        probes=(
            Probe(
                method="put",
                path_values=lambda ctx: {"establishment_id": str(ctx["establishment"])},
                body=lambda ctx: {"site_id": ctx["site"], "nom": "pris par B"},
            ),
        ),
        after=_establishment_unchanged,
    ),
    "api:sales-import-job": Scenario(
        arrange=_sales, probes=(Probe(path_values=lambda ctx: {"job_id": str(ctx["job_id"])}),)
    ),
}
