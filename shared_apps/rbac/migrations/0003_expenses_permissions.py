"""The expenses codes, given to the system roles as enums.py says (a frozen copy at this point): reading
to every role (the accountant is usually given read-only), writing to managers and up."""

from django.db import migrations

PERMISSIONS = {
    "expenses:read": "Read expenses, cost centres and budgets",
    "expenses:write": "Record expenses, edit cost centres and budgets",
}
GRANTS = {
    "owner": ["expenses:read", "expenses:write"],
    "admin": ["expenses:read", "expenses:write"],
    "manager": ["expenses:read", "expenses:write"],
    "member": ["expenses:read"],
    "read-only": ["expenses:read"],
}


def grant(apps, schema_editor):
    Permission = apps.get_model("rbac", "Permission")
    Role = apps.get_model("rbac", "Role")
    by_code = {}
    for code, description in PERMISSIONS.items():
        resource, action = code.split(":")
        by_code[code], _ = Permission.objects.update_or_create(
            code=code, defaults={"resource": resource, "action": action, "description": description}
        )
    for slug, codes in GRANTS.items():
        for role in Role.objects.filter(tenant=None, slug=slug, is_system=True):
            role.permissions.add(*(by_code[c] for c in codes))


def revoke(apps, schema_editor):
    apps.get_model("rbac", "Permission").objects.filter(code__in=list(PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [("rbac", "0002_seed_system_roles")]

    operations = [migrations.RunPython(grant, revoke)]
