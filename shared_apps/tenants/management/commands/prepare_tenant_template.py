from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shared_apps.tenants.template import ensure_template_current, template_schema


class Command(BaseCommand):
    help = "Create or migrate the template schema that new tenants are copied from (run it on deploy)."

    def handle(self, *args: Any, **options: Any) -> None:
        migrated = ensure_template_current(verbosity=int(options["verbosity"]) - 1)
        state = "migrated to the latest state" if migrated else "already current"
        self.stdout.write(f"template schema {template_schema()}: {state}")
