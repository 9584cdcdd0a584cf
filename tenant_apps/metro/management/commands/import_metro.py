"""`manage.py import_metro --tenant acme PATH…`: import METRO invoice PDFs (files or folders)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django_tenants.utils import schema_context
from tqdm import tqdm

from shared_apps.core.commands import ServiceCommand
from shared_apps.core.exceptions import NotFound, ValidationFailed
from shared_apps.tenants.selectors import tenant_find_by_slug

from ...models import ImportSource
from ...services import BatchResult, FileOutcome, SourceFile, batch_import
from ...services.parallel import parse_budget


def files_collect(paths: list[str]) -> list[SourceFile]:
    """Every PDF under the folders given, and every file given by name, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"))
        elif path.is_file():
            found.append(path)
        else:
            raise ValidationFailed(f"no such file or folder: {raw}", code="no_such_path")
    return [SourceFile(path.name, path=path) for path in dict.fromkeys(found)]


class Command(ServiceCommand):
    help = "Import METRO invoice PDFs (files or folders) into one tenant; prints a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="the tenant's slug")
        parser.add_argument("paths", nargs="+", help="PDF files or folders (searched recursively)")
        parser.add_argument("--force", action="store_true", help="also load invoices that do not reconcile")
        parser.add_argument("--workers", type=int, default=None, help="parser processes (default: all cores)")

    def run(self, *args: Any, **options: Any) -> None:
        tenant = tenant_find_by_slug(slug=options["tenant"])
        if tenant is None:
            raise NotFound(f"unknown tenant: {options['tenant']}", code="unknown_tenant")
        if options["workers"] is not None and options["workers"] < 1:
            raise ValidationFailed("--workers must be at least 1", code="invalid_workers")
        files = files_collect(options["paths"])
        with tqdm(total=len(files), unit="file", file=sys.stderr, disable=None) as bar:

            def advance(source: SourceFile, outcome: FileOutcome) -> None:
                bar.update(1)

            # Files from the command line are no more trusted than uploads: each parses in a sandboxed
            # process within its budget (too_complex beyond it), on every core unless --workers says.
            budget = parse_budget(synchronous=False, workers=options["workers"] or os.cpu_count())
            with schema_context(tenant.schema_name):
                result = batch_import(
                    files=files, source=ImportSource.CLI, force=options["force"], on_file=advance,
                    parse_budget=budget,
                )  # fmt: skip
        self._summary(result)

    def _summary(self, result: BatchResult) -> None:
        body = result.as_json()
        write = self.stdout.write
        write(f"imported: {body['nb_factures_importees']} invoices, {body['nb_lignes_importees']} lines")
        write(f"duplicates skipped: {result.count('duplicate')}")
        write(f"not reconciled: {result.count('unreconciled')}")
        for outcome in result.outcomes:
            if outcome.status == "unreconciled":
                write(f"  {outcome.file} {outcome.number}: {'; '.join(outcome.reasons)}")
        write(f"errors: {result.count('error')}")
        for outcome in result.outcomes:
            if outcome.status == "error":
                write(f"  {outcome.file}: [{outcome.code}] {outcome.message}")
        write(f"products refreshed: {result.products_refreshed}; {result.duration_ms} ms")
