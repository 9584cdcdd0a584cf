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


SCENARIOS: dict[str, Scenario] = {
    "api:info": Scenario(arrange=_info),
}

# Routes that answer without a tenant, so they hold no tenant data to leak.
TENANTLESS: dict[str, str] = {
    "health": "liveness, no data",
    "ready": "readiness, no tenant data",
    "health-deep": "operators only, no tenant data",
    "metrics": "operators only, route names and counts",
    "schema": "the API description, the same for every tenant",
    "docs": "static docs page",
}

# Identity routes (M2) keep their scenarios in their own module.
from .identity import IDENTITY_SCENARIOS  # noqa: E402

SCENARIOS.update(IDENTITY_SCENARIOS)
