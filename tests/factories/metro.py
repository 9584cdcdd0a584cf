"""METRO test helpers: a token for a member of a tenant, and sample invoices imported at a tenant.

The samples are the real PDFs of shared/data/metro (located as tests/metro_etl does it) and each is parsed
once per test session: the parse is pure and the files never change, so the loader is what each test runs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

import tenant_apps.metro.services.batches as batches
from metro_etl import MetroParseError, ParsedInvoice, parse_invoice
from metro_etl.batch import parse_one
from shared_apps.tenants.models import Tenant
from tenant_apps.metro.models import ImportSource
from tenant_apps.metro.services import BatchResult, SourceFile, batch_import
from tenant_apps.sessions.services import session_start
from tenant_apps.sessions.tokens import access_token_encode
from tests.factories.accounts import make_member
from tests.metro_etl.conftest import metro_dir

_PARSED: dict[str, ParsedInvoice | MetroParseError] = {}


def sample_paths(*prefixes: str) -> list[Path]:
    """The sample PDFs whose names start with one of `prefixes` (all of them without a prefix)."""
    folder = metro_dir() / "invoices"
    if not folder.is_dir():
        pytest.skip(f"METRO sample not found at {folder} (set MASSACORP_SHARED_DIR)")
    files = sorted(folder.glob("*.pdf"))
    if prefixes:
        files = [f for f in files if any(f.name.startswith(f"{p}_") for p in prefixes)]
        assert len(files) == len(prefixes), f"unknown sample prefix among {prefixes}"
    return files


def _cached_parse(source: bytes | Path, *, filename: str | None = None) -> ParsedInvoice:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    key = hashlib.sha256(data).hexdigest()
    if key not in _PARSED:
        try:
            _PARSED[key] = parse_invoice(data, filename=filename)
        except MetroParseError as error:
            _PARSED[key] = error
    result = _PARSED[key]
    if isinstance(result, MetroParseError):
        raise result
    return result


def _cached_parse_many(
    paths: Iterable[Path | str | tuple[str, bytes]], workers: int | None = None
) -> list[Any]:
    results: list[Any] = []
    for item in paths:
        name, source = item if isinstance(item, tuple) else (Path(item).name, Path(item))
        try:
            results.append(_cached_parse(source, filename=name))
        except MetroParseError as error:
            results.append(error)
    return results


@pytest.fixture(autouse=True)
def _parse_once_per_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loader's parser calls, answered from a session cache keyed by the file's SHA-256."""
    monkeypatch.setattr(batches, "parse_invoice", _cached_parse)
    monkeypatch.setattr(batches, "parse_many", _cached_parse_many)


def import_samples(
    tenant: Tenant, *prefixes: str, force: bool = False, load_workers: int | None = None
) -> BatchResult:
    files = [SourceFile(path.name, path=path) for path in sample_paths(*prefixes)]
    with schema_context(tenant.schema_name):
        return batch_import(
            files=files, source=ImportSource.CLI, force=force, workers=1, load_workers=load_workers
        )


@contextmanager
def in_schema(tenant: Tenant) -> Iterator[None]:
    with schema_context(tenant.schema_name):
        yield


def bearer_for(tenant: Tenant, *, admin: bool = False) -> dict[str, Any]:
    """Request headers for a fresh member (or administrator) of `tenant`, with a live session there."""
    membership = make_member(tenant=tenant, is_admin=admin)
    now = timezone.now()
    with schema_context(tenant.schema_name):
        session = session_start(
            tenant=tenant, user=membership.user, ip="127.0.0.1", user_agent="pytest", auth_methods=["pwd"]
        ).session
    token, _ = access_token_encode(
        user_id=membership.user.pk, tenant=tenant.slug, session_id=session.pk, auth_time=now
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


__all__ = ["bearer_for", "import_samples", "in_schema", "parse_one", "sample_paths"]
