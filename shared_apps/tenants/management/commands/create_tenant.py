from __future__ import annotations

import json
from typing import Any

from django.core.management.base import CommandParser

from shared_apps.core.commands import ServiceCommand
from shared_apps.tenants.services import tenant_create


class Command(ServiceCommand):
    help = "Provision a tenant (row, primary domain, schema copied from the migrated template)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="URL-safe id; also the schema name")
        parser.add_argument("--name", required=True, help="display name")
        parser.add_argument("--domain", required=True, help="primary host name, e.g. acme.localhost")
        parser.add_argument("--tenant-settings", default="{}", help="tenant settings as a JSON object")

    def run(self, *args: Any, **options: Any) -> None:
        try:
            tenant_settings = json.loads(options["tenant_settings"])
        except json.JSONDecodeError:
            tenant_settings = None
        if not isinstance(tenant_settings, dict):
            from shared_apps.core.exceptions import ValidationFailed

            raise ValidationFailed("--tenant-settings must be a JSON object", code="invalid_settings")
        tenant = tenant_create(
            slug=options["slug"], name=options["name"], domain=options["domain"], settings=tenant_settings
        )
        self.stdout.write(
            f"created tenant {tenant.slug} (schema {tenant.schema_name}) at {options['domain']}"
        )
