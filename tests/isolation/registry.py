"""How to put data in tenant A for each tenant URL, and what of it must never show up at tenant B.

Every named route of the tenant URLconf needs an entry here (or in TENANTLESS, with the reason), or the
standing isolation test fails: a new endpoint cannot ship without saying how it is proven isolated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from shared_apps.tenants.models import Tenant


@dataclass(frozen=True)
class Probe:
    """One request made at tenant B after `arrange` stored data at tenant A."""

    method: str = "get"
    # Given what arrange returned, the path values (e.g. {"session_id": "…"}) of A's object.
    path_values: Callable[[dict[str, str]], dict[str, str]] = field(default=lambda ctx: {})
    body: Callable[[dict[str, str]], dict[str, object]] | None = None


@dataclass(frozen=True)
class Scenario:
    # Creates data at tenant A (and, when the endpoint needs it, a caller at tenant B). Returns a context:
    # "secrets" lists strings that belong to A only and must not appear in any response at B;
    # "auth_b" (optional) holds request headers that authenticate a caller at B.
    arrange: Callable[[Tenant, Tenant], dict[str, object]]
    probes: tuple[Probe, ...] = (Probe(),)
    # Runs after the probes: asserts that tenant A's data is unchanged (for probes that could write).
    after: Callable[[dict[str, object]], None] | None = None


def _info(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, object]:
    return {"secrets": [tenant_a.slug, tenant_a.name]}


def _metro(tenant_a: Tenant, tenant_b: Tenant) -> dict[str, object]:
    """Two real invoices imported at A (parsed once per session); an administrator of B calls."""
    from django_tenants.utils import schema_context

    from tenant_apps.catalog.models import Product
    from tenant_apps.metro.models import ImportBatch, Invoice
    from tenant_apps.metro.services import invoice_import_file
    from tenant_apps.stock.models import Site
    from tests.factories.metro import _cached_parse, bearer_for, sample_paths

    with schema_context(tenant_a.schema_name):
        batch = ImportBatch.objects.create(source="cli")
        for path in sample_paths("135_13_81001", "135_25_45648"):
            invoice_import_file(
                path_or_bytes=path, filename=path.name, batch=batch, parsed=_cached_parse(path)
            )
        invoices = list(Invoice.objects.all())
        products = list(Product.objects.exclude(ean="").order_by("id"))
        site = Site.objects.order_by("id").first()
        assert site is not None
        site.name = "Le site secret de A"
        site.save(update_fields=["name"])
    return {
        "secrets": [i.number for i in invoices] + [p.designation for p in products[:5]] + [site.name],
        "site_id": str(site.pk),
        "schema_a": tenant_a.schema_name,
        "auth_b": bearer_for(tenant_b, admin=True),
        "facture_id": str(invoices[0].pk),
        "produit_id": str(products[0].pk),
        "ean": products[0].ean,
        "job_id": str(batch.pk),
    }


def _produit_sk(ctx: dict[str, str]) -> dict[str, str]:
    return {"produit_sk": ctx["produit_id"]}


def _site(ctx: dict[str, str]) -> dict[str, str]:
    return {"site_id": ctx["site_id"]}


def _count_of_a(ctx: dict[str, str]) -> dict[str, object]:
    """A count at B naming A's site and product: neither exists at B."""
    today = _today()
    return {
        "site": int(ctx["site_id"]),
        "date": today,
        "lignes": [{"produit_sk": int(ctx["produit_id"]), "quantite": 0}],
    }


def _loss_of_a(ctx: dict[str, str]) -> dict[str, object]:
    return {
        "site": int(ctx["site_id"]),
        "date": _today(),
        "produit_sk": int(ctx["produit_id"]),
        "type_mouvement": "SORTIE",
        "quantite": "1",
    }


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


def _site_unchanged(ctx: dict[str, object]) -> None:
    from django_tenants.utils import schema_context

    from tenant_apps.stock.models import Site

    with schema_context(str(ctx["schema_a"])):
        assert Site.objects.filter(name="Le site secret de A").exists()


def _stock_unchanged(ctx: dict[str, object]) -> None:
    from django_tenants.utils import schema_context

    from tenant_apps.stock.models import MovementKind, StockMovement

    with schema_context(str(ctx["schema_a"])):
        assert StockMovement.objects.exists()
        assert not StockMovement.objects.exclude(kind=MovementKind.ENTRY).exists()


_METRO = Scenario(arrange=_metro)
_METRO_IDS = Probe(path_values=lambda ctx: {k: ctx[k] for k in ("facture_id", "produit_id", "ean", "job_id")})

SCENARIOS: dict[str, Scenario] = {
    "api:info": Scenario(arrange=_info),
    "api:metro-products": _METRO,
    "api:metro-product": Scenario(arrange=_metro, probes=(_METRO_IDS,)),
    "api:metro-product-by-ean": Scenario(arrange=_metro, probes=(_METRO_IDS,)),
    "api:metro-price-history": Scenario(arrange=_metro, probes=(_METRO_IDS,)),
    "api:metro-price-history-by-ean": Scenario(arrange=_metro, probes=(_METRO_IDS,)),
    "api:catalog-price-alerts": _METRO,
    "api:catalog-price-alert": Scenario(
        arrange=_metro,
        probes=(
            Probe(method="patch", path_values=lambda ctx: {"alert_id": "1"}, body=lambda ctx: {"vu": True}),
        ),
    ),
    "api:metro-invoices": _METRO,
    "api:metro-invoice": Scenario(arrange=_metro, probes=(_METRO_IDS,)),
    "api:metro-summary": _METRO,
    "api:metro-clients": _METRO,
    "api:metro-dashboard": _METRO,
    "api:metro-stats-categories": _METRO,
    "api:metro-stats-tva": _METRO,
    "api:metro-categories": _METRO,
    "api:metro-import": Scenario(arrange=_metro, probes=(Probe(method="post", body=lambda ctx: {}),)),
    "api:metro-import-job": Scenario(arrange=_metro, probes=(_METRO_IDS,)),
    "api:metro-recalculate": Scenario(arrange=_metro, probes=(Probe(method="post", body=lambda ctx: {}),)),
    "api:catalog-products": _METRO,
    "api:catalog-product": Scenario(
        arrange=_metro,
        probes=(
            Probe(path_values=_produit_sk),
            Probe(method="patch", path_values=_produit_sk, body=lambda ctx: {"prix_vente": "1"}),
        ),
    ),
    "api:catalog-families": _METRO,
    "api:analytics-categories": _METRO,
    "api:analytics-stock-valuation": _METRO,
    "api:analytics-stock-movements": _METRO,
    "api:analytics-products-top": _METRO,
    "api:analytics-classify": Scenario(arrange=_metro, probes=(Probe(method="post", body=lambda ctx: {}),)),
    "api:analytics-classify-preview": _METRO,
    "api:sites": Scenario(
        arrange=_metro, probes=(Probe(), Probe(method="post", body=lambda ctx: {"nom": "B"}))
    ),
    "api:site": Scenario(
        arrange=_metro,
        probes=(Probe(method="patch", path_values=_site, body=lambda ctx: {"nom": "pris par B"}),),
        after=_site_unchanged,
    ),
    "api:stock-counts": Scenario(
        arrange=_metro,
        probes=(Probe(method="post", body=_count_of_a),),
        after=_stock_unchanged,
    ),
    "api:stock-movements": Scenario(
        arrange=_metro,
        probes=(Probe(method="post", body=_loss_of_a),),
        after=_stock_unchanged,
    ),
}

# Routes that answer without a tenant, so they hold no tenant data to leak.
TENANTLESS: dict[str, str] = {
    "health": "liveness, no data",
    "ready": "readiness, no tenant data",
    "health-deep": "operators only, no tenant data",
    "metrics": "operators only, route names and counts",
    "schema": "the API description, the same for every tenant",
    "schema-json": "the API description as JSON, the same for every tenant",
    "docs": "static docs page",
}

# Identity routes keep their scenarios in their own module.
from .identity import IDENTITY_SCENARIOS  # noqa: E402

SCENARIOS.update(IDENTITY_SCENARIOS)

# MFA routes keep their scenarios in their own module.
from .mfa import MFA_SCENARIOS  # noqa: E402

SCENARIOS.update(MFA_SCENARIOS)

# Access routes (roles, API keys, GDPR) keep their scenarios in their own module.
from .access import ACCESS_SCENARIOS  # noqa: E402

SCENARIOS.update(ACCESS_SCENARIOS)

# OAuth routes too.
from .oauth import OAUTH_SCENARIOS  # noqa: E402

SCENARIOS.update(OAUTH_SCENARIOS)

# Sales routes (till imports, dishes, sales analytics) too.
from .sales import SALES_SCENARIOS  # noqa: E402

SCENARIOS.update(SALES_SCENARIOS)

# Expenses routes (cost centres, expenses, their synthesis) too.
from .expenses import EXPENSES_SCENARIOS  # noqa: E402

SCENARIOS.update(EXPENSES_SCENARIOS)
