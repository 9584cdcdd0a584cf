"""Who may call a view. Since M4 the decision belongs to shared_apps.rbac: `IsTenantMember` (the default
permission class) is rbac's `RequiredPermission`, which reads each view's `required_permission` (none: any
active member, as a person); `IsTenantAdmin` requires the `tenant:admin` permission (the owner and admin
roles, which Membership.is_admin confers)."""

from __future__ import annotations

from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.permissions import HasPermission, RequiredPermission

IsTenantMember = RequiredPermission
IsTenantAdmin = HasPermission(PermissionCode.TENANT_ADMIN)

__all__ = ["IsTenantAdmin", "IsTenantMember"]
