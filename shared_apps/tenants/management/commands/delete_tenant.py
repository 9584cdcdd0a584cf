from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from shared_apps.core.commands import ServiceCommand
from shared_apps.core.exceptions import ValidationFailed
from shared_apps.tenants.services import tenant_delete


class Command(ServiceCommand):
    help = "Delete a tenant and drop its schema with all its data."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True)
        parser.add_argument("--yes", action="store_true", help="confirm: the schema and its data are dropped")

    def run(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise ValidationFailed(
                "refusing to drop a tenant's data without --yes", code="confirmation_required"
            )
        tenant_delete(slug=options["slug"])
        self.stdout.write(f"deleted tenant {options['slug']}")
