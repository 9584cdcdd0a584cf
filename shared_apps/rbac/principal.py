"""Who is calling, and what they may do at this tenant: one immutable `Principal` per request or job.

Built in one place, `principal_build`, by whichever authentication recognised the caller (an access token:
shared_apps.authn.authentication; an API key: tenant_apps.apikeys.authentication; a web-session cookie),
then attached to the request context (shared_apps.core.context) with `principal_bind` and read through
`current_principal`. Nothing is set on the `User` or on the request. The permissions are computed once,
when the principal is built: roles (selectors.codes_combine), the platform-staff bypass, and an API key's
scopes (credentials.ScopedCredential).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from shared_apps.accounts.models import User
from shared_apps.core.context import context_principal_set, request_context
from shared_apps.core.exceptions import NotAuthenticated
from shared_apps.tenants.models import Tenant

from .credentials import ScopedCredential
from .enums import ALL_CODES
from .selectors import codes_combine


class CredentialKind(enum.StrEnum):
    TOKEN = "token"  # noqa: S105 - a credential kind, not a secret
    API_KEY = "api_key"
    WEB_SESSION = "web_session"


@dataclass(frozen=True)
class MembershipState:
    """The caller's membership of the principal's tenant."""

    active: bool
    is_admin: bool


@dataclass(frozen=True)
class MfaState:
    """`enabled`: the person has a confirmed second factor. `setup_pending`: the tenant requires one and this
    credential was opened without it, so only MFA set-up is open to it (the `mfa_setup` token scope)."""

    enabled: bool
    setup_pending: bool = False


@dataclass(frozen=True)
class Principal:
    user: User
    tenant: Tenant
    membership: MembershipState | None
    permissions: frozenset[str]
    mfa: MfaState
    auth_time: datetime | None
    credential: CredentialKind
    session_id: UUID | None = None
    api_key: ScopedCredential | None = None

    @property
    def user_id(self) -> UUID:
        return self.user.pk

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.active

    @property
    def is_platform_staff(self) -> bool:
        return is_platform_staff(self.user)


def is_platform_staff(user: User) -> bool:
    """Platform staff (is_staff and is_superuser) hold every code at every tenant: the one unscoped bypass."""
    return bool(user.is_staff and user.is_superuser)


def principal_build(
    *,
    user: User,
    tenant: Tenant,
    membership: MembershipState | None,
    live_role_codes: Iterable[str | None] | None,
    mfa: MfaState,
    auth_time: datetime | None,
    credential: CredentialKind,
    session_id: UUID | None = None,
    api_key: ScopedCredential | None = None,
) -> Principal:
    """`live_role_codes`: the codes of the member's live role assignments at `tenant` (None when no
    assignment is live: the member role applies; a None element for a live role without permissions)."""
    permissions: frozenset[str] = frozenset()
    if is_platform_staff(user):
        permissions = ALL_CODES
    elif membership is not None and membership.active:
        permissions = codes_combine(
            assigned=live_role_codes is not None,
            codes=live_role_codes or (),
            is_admin=membership.is_admin,
        )
    if api_key is not None:
        permissions = api_key.restrict(permissions)
    return Principal(
        user=user,
        tenant=tenant,
        membership=membership,
        permissions=permissions,
        mfa=mfa,
        auth_time=auth_time,
        credential=credential,
        session_id=session_id,
        api_key=api_key,
    )


def principal_bind(principal: Principal) -> None:
    """Make `principal` the caller of the current request or job."""
    context_principal_set(principal)


def current_principal_or_none() -> Principal | None:
    principal: Any = request_context().principal
    return principal if isinstance(principal, Principal) else None


def current_principal() -> Principal:
    """The authenticated caller of the current request or job; 401 when there is none."""
    principal = current_principal_or_none()
    if principal is None:
        raise NotAuthenticated("L'authentification est requise.")
    return principal
