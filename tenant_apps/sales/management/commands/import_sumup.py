"""`manage.py import_sumup --tenant acme PATH…`: import a SumUp till export (its zip, or its CSVs)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django_tenants.utils import schema_context
from tqdm import tqdm

from shared_apps.core.commands import ServiceCommand
from shared_apps.core.exceptions import NotFound, ValidationFailed
from shared_apps.tenants.models import Tenant

from ...models import ImportSource
from ...services import ExportRejected, ImportResult, sales_import_files


def paths_collect(paths: list[str]) -> list[Path]:
    """The files given, and the zip/CSV files of the folders given, in a stable order."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in (".zip", ".csv"))
        elif path.is_file():
            found.append(path)
        else:
            raise ValidationFailed(f"no such file or folder: {raw}", code="no_such_path")
    return list(dict.fromkeys(found))


class Command(ServiceCommand):
    help = "Import a SumUp till export (the zip or its CSVs) into one tenant; prints a summary."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="the tenant's slug")
        parser.add_argument(
            "paths", nargs="+", help="the export's zip, or its CSV files, or a folder of them"
        )
        parser.add_argument("--force", action="store_true", help="also load orders with a blocking issue")

    def run(self, *args: Any, **options: Any) -> None:
        tenant = Tenant.objects.filter(slug=options["tenant"]).first()
        if tenant is None:
            raise NotFound(f"unknown tenant: {options['tenant']}", code="unknown_tenant")
        paths = paths_collect(options["paths"])
        with tqdm(unit="order", file=sys.stderr, disable=None) as bar:

            def start(total: int) -> None:
                bar.reset(total=total)

            try:
                with schema_context(tenant.schema_name):
                    result = sales_import_files(
                        sources=paths, source=ImportSource.CLI, force=options["force"], on_start=start,
                        on_chunk=bar.update,
                    )  # fmt: skip
            except ExportRejected as error:
                raise ValidationFailed(f"nothing imported: {error.message}", code=error.code) from error
        self._summary(result)

    def _summary(self, result: ImportResult) -> None:
        write = self.stdout.write
        write(f"orders in the export: {result.order_count}")
        write(f"imported: {result.imported} orders, {result.lines} lines, {result.ca_ttc} EUR TTC")
        write(f"already imported (skipped): {result.duplicates}")
        write(f"forced despite a blocking issue: {result.forced}")
        write(f"not loaded (blocking issue; --force loads them): {result.invalid}")
        for entry in result.invalid_orders:
            problems = "; ".join(f"[{p['code']}] {p['message']}" for p in entry["problemes"])
            write(f"  {entry['id_commande']} closed {entry['date_fermeture']}: {problems}")
        write(f"warnings: {result.warnings}; {result.duration_ms} ms")
