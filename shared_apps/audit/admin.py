from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the log is append-only (PostgreSQL refuses changes anyway; the admin offers none)."""

    list_display = ("created_at", "event_type", "tenant", "email", "success", "factor", "ip")
    list_filter = ("event_type", "success", "factor", "tenant")
    search_fields = ("email", "actor_email", "request_id", "ip")
    date_hierarchy = "created_at"
    list_select_related = ("tenant",)
    show_full_result_count = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
