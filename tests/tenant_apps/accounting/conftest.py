"""Fixtures of the accounting tests: clients by role, a SIREN, and the FEC read back into rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from shared_apps.tenants.models import Tenant
from tests.factories.access import member_with_role, token_headers
from tests.factories.accounts import _clean_limiter_state, no_ratelimit  # noqa: F401
from tests.factories.sales import Importer, import_at  # noqa: F401
from tests.sumup_etl.conftest import builder, real_export, real_export_path  # noqa: F401

__all__ = ["Importer"]

# A SIREN whose Luhn key holds (INSEE's example format).
SIREN = "732829320"
HOSTS = {"alpha": "alpha.testserver", "beta": "beta.testserver"}


def client_as(tenant: Tenant, role: str) -> Client:
    return Client(HTTP_HOST=HOSTS[tenant.slug], **token_headers(member_with_role(tenant, role)))


@pytest.fixture
def admin_a(tenant_a: Tenant) -> Client:
    return client_as(tenant_a, "admin")


@pytest.fixture
def admin_b(tenant_b: Tenant) -> Client:
    return client_as(tenant_b, "admin")


@pytest.fixture
def with_siren(admin_a: Client) -> Client:
    """Admin of A, once A's SIREN is set through the API."""
    response = admin_a.put(
        "/api/v1/comptabilite/parametres", data={"siren": SIREN}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return admin_a


@dataclass(frozen=True)
class FecRow:
    journal: str
    number: str
    date: str
    account: str
    account_label: str
    aux: str
    piece: str
    debit: Decimal
    credit: Decimal
    valid_date: str
    fields: tuple[str, ...]


def fec_rows(body: bytes) -> tuple[list[str], list[FecRow]]:
    """The header and the rows of a FEC file (tab-separated, ISO 8859-15, decimal comma)."""
    text = body.decode("iso-8859-15")
    lines = text.split("\r\n")
    assert lines[-1] == "", "every line ends with CRLF"
    header, *rows = (line.split("\t") for line in lines[:-1])
    parsed = []
    for f in rows:
        assert len(f) == 18, f
        amount: Callable[[str], Decimal] = lambda s: Decimal(s.replace(",", "."))  # noqa: E731
        parsed.append(
            FecRow(f[0], f[2], f[3], f[4], f[5], f[6], f[8], amount(f[11]), amount(f[12]), f[15], tuple(f))
        )
    return header, parsed


def export(client: Client, **query: Any) -> Any:
    response = client.get("/api/v1/comptabilite/fec", query)
    return response
