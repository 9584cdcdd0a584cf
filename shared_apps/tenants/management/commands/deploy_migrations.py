from __future__ import annotations

import sys
import time
from typing import Any

from django.core.checks import Tags
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from shared_apps.core.exceptions import ApplicationError
from shared_apps.tenants.deploy.plan import label
from shared_apps.tenants.deploy.runner import (
    Failure,
    Pending,
    public_migrations_pending,
    tenant_migrations_apply,
    tenant_migrations_pending,
)
from shared_apps.tenants.template import ensure_template_current


class Command(BaseCommand):
    # The model checks only: the URL checks import every view of the project (seconds on a busy machine)
    # and say nothing about migrations; `manage.py check` covers them.
    requires_system_checks = [Tags.models]
    help = (
        "Bring the public schema, the tenant template and every tenant schema to the latest migration "
        "(run it on deploy). Schemas that fail are reported; the others go on; running it again resumes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="list what is behind; change nothing")
        parser.add_argument("--workers", type=int, default=2, help="connections that migrate tenant schemas")
        parser.add_argument(
            "--schema", action="append", default=[], dest="schemas", help="only this schema (repeatable)"
        )
        parser.add_argument("--skip-shared", action="store_true", help="leave the public schema alone")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1")
        if options["dry_run"]:
            self._dry_run(options)
            return
        started = time.monotonic()
        # migrate_schemas --shared costs a second even with nothing to do: it is called only when needed.
        if not options["skip_shared"] and public_migrations_pending():
            verbosity = max(int(options["verbosity"]) - 1, 0)
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        bar = tqdm(unit="schema", disable=options["no_progress"] or None, file=sys.stderr, leave=False)

        def progress(schema: str, failure: Failure | None, total: int) -> None:
            bar.total = total
            bar.update(1)

        try:
            result = tenant_migrations_apply(
                schemas=options["schemas"], workers=options["workers"], progress=progress
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        finally:
            bar.close()
        if not options["schemas"]:
            ensure_template_current()
        pending = result.pending
        self.stdout.write(
            f"tenant schemas: {pending.schemas} looked at, {len(pending.behind)} behind, "
            f"{len(result.migrated)} migrated ({result.replayed} migrations replayed as SQL, "
            f"{result.through_django} through Django), {len(result.failures)} failed; "
            f"{time.monotonic() - started:.1f} s"
        )
        if result.failures:
            for failure in result.failures:
                where = f" at {failure.migration}" if failure.migration else ""
                self.stderr.write(f"FAILED {failure.schema}{where}: {failure.error}")
            raise CommandError(
                f"{len(result.failures)} schema(s) failed (listed above); every other schema is up to date. "
                "Fix them and run the command again: it resumes where they stopped."
            )

    def _dry_run(self, options: dict[str, Any]) -> None:
        if not options["skip_shared"]:
            public = public_migrations_pending()
            self.stdout.write(f"public: {len(public)} pending" + (f": {', '.join(public)}" if public else ""))
        pending = tenant_migrations_pending(schemas=options["schemas"])
        self._list(pending)

    def _list(self, pending: Pending) -> None:
        groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for schema, missing in pending.behind.items():
            groups.setdefault(missing, []).append(schema)
        self.stdout.write(f"tenant schemas: {pending.schemas} looked at, {len(pending.behind)} behind")
        for missing, schemas in groups.items():
            self.stdout.write(
                f"{len(schemas)} schema(s) missing {len(missing)} migration(s): "
                + ", ".join(label(key) for key in missing)
            )
            for schema in schemas:
                self.stdout.write(f"  {schema}")
        for failure in pending.unusable:
            self.stdout.write(f"cannot migrate {failure.schema}: {failure.error}")
