from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shared_apps.tenants.selectors import TenantRow, tenant_list


def _state(row: TenantRow) -> str:
    if row.is_deleted:
        return "deleted"
    return "active" if row.is_active else "inactive"


class Command(BaseCommand):
    help = "List tenants: slug, schema, active flag, primary domain, name."

    def handle(self, *args: Any, **options: Any) -> None:
        for row in tenant_list():
            self.stdout.write(
                f"{row.slug}\t{row.schema_name}\t{_state(row)}\t{row.primary_domain or '-'}\t{row.name}"
            )
