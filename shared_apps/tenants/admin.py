from django.contrib import admin

from .models import Domain, Tenant


class DomainInline(admin.TabularInline[Domain, Tenant]):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin[Tenant]):
    list_display = ("slug", "name", "schema_name", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("slug", "name")
    readonly_fields = ("schema_name", "created_at")
    inlines = [DomainInline]

    def has_add_permission(self, request: object) -> bool:
        # A tenant needs its schema: provisioning goes through `manage.py create_tenant` (tenant_create).
        return False


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin[Domain]):
    list_display = ("domain", "tenant", "is_primary")
    search_fields = ("domain", "tenant__slug")
