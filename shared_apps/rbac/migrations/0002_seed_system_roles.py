"""Seed the permission codes and the five global system roles (a frozen copy of enums.py at this point)."""

from django.db import migrations

PERMISSIONS = {
    "users:read": "Read the tenant's members",
    "users:write": "Create and edit members",
    "users:admin": "Deactivate, remove, promote members; assign roles; GDPR requests",
    "sessions:read": "Read one's own sessions",
    "sessions:write": "End one's own sessions",
    "audit:read": "Read the tenant's audit log",
    "tenant:admin": "Administer the tenant (custom roles, every API key)",
    "metro:read": "Read METRO invoices and products",
    "metro:write": "Import METRO invoices, recompute aggregates",
    "analytics:read": "Read analytics",
    "api-keys:manage": "Create and revoke one's own API keys",
}
READ = ["sessions:read", "sessions:write", "metro:read", "analytics:read"]
MEMBER = [*READ, "api-keys:manage"]
MANAGER = [*MEMBER, "users:read", "users:write", "audit:read", "metro:write"]
ROLES = [
    ("owner", "Owner", "Everything, including the owner role itself.", list(PERMISSIONS)),
    ("admin", "Administrator", "Everything but the owner role.", list(PERMISSIONS)),
    ("manager", "Manager", "Members, audit log and METRO imports.", MANAGER),
    ("member", "Member", "Everyday use: read the data, manage one's own sessions and keys.", MEMBER),
    ("read-only", "Read-only", "Read the data only.", READ),
]


def seed(apps, schema_editor):
    Permission = apps.get_model("rbac", "Permission")
    Role = apps.get_model("rbac", "Role")
    by_code = {}
    for code, description in PERMISSIONS.items():
        resource, action = code.split(":")
        by_code[code], _ = Permission.objects.update_or_create(
            code=code, defaults={"resource": resource, "action": action, "description": description}
        )
    for slug, name, description, codes in ROLES:
        role, _ = Role.objects.update_or_create(
            tenant=None, slug=slug, defaults={"name": name, "description": description, "is_system": True}
        )
        role.permissions.set([by_code[c] for c in codes])


def unseed(apps, schema_editor):
    apps.get_model("rbac", "Role").objects.filter(is_system=True).delete()
    apps.get_model("rbac", "Permission").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("rbac", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
