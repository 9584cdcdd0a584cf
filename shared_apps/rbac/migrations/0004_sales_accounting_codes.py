"""Dedicated sales codes, the accounting codes and the accountant system role (frozen copies of enums.py).

Sales routes used to require metro:read / analytics:read (reads) and metro:write (imports, dishes). So
that nobody loses or gains access, every role holding metro:read now also holds sales:read, and every
role holding metro:write also holds sales:write: the system roles and each tenant's own roles alike.
"""

from django.db import migrations

NEW_CODES = {
    "sales:read": "Read till sales, dishes and recipes",
    "sales:write": "Import till exports; edit dishes, recipes and the tills' sites",
    "accounting:export": "Export the accounting entries (FEC); read journals and accounts",
    "accounting:write": "Edit the chart of accounts and the company's SIREN",
}
# What a role holding the first code keeps being able to do under the second.
CARRIED = {"metro:read": "sales:read", "metro:write": "sales:write"}
# Owner and admin hold every code.
EVERY_CODE_ROLES = ("owner", "admin")
ACCOUNTANT_CODES = [
    "sessions:read", "sessions:write", "metro:read", "analytics:read", "expenses:read", "sales:read",
    "accounting:export",
]


def forward(apps, schema_editor):
    Permission = apps.get_model("rbac", "Permission")
    Role = apps.get_model("rbac", "Role")
    new = {}
    for code, description in NEW_CODES.items():
        resource, action = code.split(":")
        new[code], _ = Permission.objects.update_or_create(
            code=code, defaults={"resource": resource, "action": action, "description": description}
        )
    for old_code, new_code in CARRIED.items():
        for role in Role.objects.filter(permissions__code=old_code).distinct():
            role.permissions.add(new[new_code])
    for role in Role.objects.filter(tenant=None, slug__in=EVERY_CODE_ROLES):
        role.permissions.add(*new.values())
    accountant, _ = Role.objects.update_or_create(
        tenant=None,
        slug="accountant",
        defaults={
            "name": "Accountant",
            "description": "Reads the data and exports the accounting entries (FEC).",
            "is_system": True,
        },
    )
    accountant.permissions.set(Permission.objects.filter(code__in=ACCOUNTANT_CODES))


def backward(apps, schema_editor):
    apps.get_model("rbac", "Role").objects.filter(tenant=None, slug="accountant").delete()
    apps.get_model("rbac", "Permission").objects.filter(code__in=NEW_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("rbac", "0003_expenses_permissions")]

    operations = [migrations.RunPython(forward, backward)]
