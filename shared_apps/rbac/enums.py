"""Permission codes and the system roles, in one place (Saleor's `permission/enums.py` is the model).

Codes are `<resource>:<action>`. The API-key scopes of the contract are a subset of the codes: a key can
be given any of them, or `*` (everything its creator holds among them). `api-keys:manage` is a code but
not a scope, so no key can mint or revoke keys.
"""

from __future__ import annotations

from django.db import models


class PermissionCode(models.TextChoices):
    USERS_READ = "users:read", "Read the tenant's members"
    USERS_WRITE = "users:write", "Create and edit members"
    USERS_ADMIN = "users:admin", "Deactivate, remove, promote members; assign roles; GDPR requests"
    SESSIONS_READ = "sessions:read", "Read one's own sessions"
    SESSIONS_WRITE = "sessions:write", "End one's own sessions"
    AUDIT_READ = "audit:read", "Read the tenant's audit log"
    TENANT_ADMIN = "tenant:admin", "Administer the tenant (custom roles, every API key)"
    METRO_READ = "metro:read", "Read METRO invoices and products"
    METRO_WRITE = "metro:write", "Import METRO invoices, recompute aggregates"
    ANALYTICS_READ = "analytics:read", "Read analytics"
    API_KEYS_MANAGE = "api-keys:manage", "Create and revoke one's own API keys"
    EXPENSES_READ = "expenses:read", "Read expenses, cost centres and budgets"
    EXPENSES_WRITE = "expenses:write", "Record expenses, edit cost centres and budgets"


ALL_CODES: frozenset[str] = frozenset(PermissionCode.values)
SCOPE_ALL = "*"
# The contract's API-key scopes (everything but api-keys:manage), plus `*`.
API_KEY_SCOPES: frozenset[str] = ALL_CODES - {PermissionCode.API_KEYS_MANAGE.value}


class SystemRole(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Administrator"
    MANAGER = "manager", "Manager"
    MEMBER = "member", "Member"
    READ_ONLY = "read-only", "Read-only"


P = PermissionCode
# Ending one's own sessions is self-protection, not a write to the tenant's data: read-only has it too.
_READ = {P.SESSIONS_READ, P.SESSIONS_WRITE, P.METRO_READ, P.ANALYTICS_READ, P.EXPENSES_READ}
_MEMBER = _READ | {P.API_KEYS_MANAGE}
_MANAGER = _MEMBER | {P.USERS_READ, P.USERS_WRITE, P.AUDIT_READ, P.METRO_WRITE, P.EXPENSES_WRITE}

# Seeded by migration 0002 (which keeps its own frozen copy) and used as-is at request time for the two
# implicit roles (see selectors.permission_codes_for). Owner and admin hold every code; only an owner may
# grant or withdraw the owner role.
SYSTEM_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    SystemRole.OWNER: ALL_CODES,
    SystemRole.ADMIN: ALL_CODES,
    SystemRole.MANAGER: frozenset(c.value for c in _MANAGER),
    SystemRole.MEMBER: frozenset(c.value for c in _MEMBER),
    SystemRole.READ_ONLY: frozenset(c.value for c in _READ),
}
