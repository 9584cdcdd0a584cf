"""What the public-schema identity services need from the tenant schema, behind one port.

STYLE #1: `shared_apps` never imports `tenant_apps`. Sessions, refresh tokens, MFA login challenges and API
keys live in each tenant's schema (tenant_apps.sessions, tenant_apps.apikeys), yet logging in, logging out,
deactivating a member or changing a password (accounts, authn, mfa, oauth) must reach them. They do through
`tenant_side()`: the module named by settings.AUTHN_TENANT_SIDE, which implements `TenantSide` (a test
checks that statically, with mypy). The same inversion as GDPR's sources (settings.GDPR_TENANT_SOURCES).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from importlib import import_module
from typing import TYPE_CHECKING, Any, Protocol, cast
from uuid import UUID

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from shared_apps.accounts.models import User
    from shared_apps.tenants.models import Tenant


class RevokeReason(models.TextChoices):
    """Why a session (or an API key) was revoked: recorded on the tenant's rows, decided by these services."""

    LOGOUT = "logout", "logout"
    LOGOUT_ALL = "logout_all", "logout of all sessions"
    TERMINATED = "terminated", "terminated by the user"
    PASSWORD_CHANGED = "password_changed", "password changed"
    PASSWORD_RESET = "password_reset", "password reset"
    TOKEN_REUSE = "token_reuse", "refresh token reuse"
    DEACTIVATED = "deactivated", "user or membership deactivated"
    REMOVED = "removed", "removed from the tenant"


class IssuedSession(Protocol):
    """What an access token is issued from (a tenant's session row)."""

    @property
    def pk(self) -> Any: ...
    @property
    def user(self) -> User: ...
    @property
    def user_id(self) -> Any: ...
    @property
    def auth_methods(self) -> list[str]: ...
    @property
    def created_at(self) -> datetime | None: ...
    @property
    def idle_expires_at(self) -> datetime: ...
    @property
    def absolute_expires_at(self) -> datetime: ...


class StartedSession(Protocol):
    """A session and the refresh token that goes with it (returned once, stored hashed)."""

    @property
    def session(self) -> IssuedSession: ...
    @property
    def refresh_token(self) -> str: ...


class TenantSide(Protocol):
    """The tenant-schema operations of identity, on the schema the connection is set to (or every schema,
    for the `_everywhere` ones)."""

    def session_start(
        self,
        *,
        tenant: Tenant,
        user: User,
        ip: str | None,
        user_agent: str,
        auth_methods: list[str],
        now: datetime | None = None,
    ) -> StartedSession: ...

    def token_refresh(
        self, *, tenant: Tenant, refresh_token: str, now: datetime | None = None
    ) -> StartedSession: ...

    def session_id_for_refresh_token(self, *, user_id: UUID, refresh_token: str) -> UUID | None: ...

    def sessions_revoke(
        self,
        *,
        user_id: UUID,
        reason: str,
        session_ids: Iterable[UUID] | None = None,
        except_session_id: UUID | None = None,
        now: datetime | None = None,
    ) -> int: ...

    def sessions_revoke_everywhere(
        self, *, user: User, reason: str, except_session_id: UUID | None = None, now: datetime | None = None
    ) -> int: ...

    def mfa_challenge_issue(
        self, *, user: User, ip: str | None, user_agent: str, now: datetime | None = None
    ) -> tuple[str, int]: ...

    def mfa_challenge_consume(self, *, token: str, now: datetime | None = None) -> User | None: ...

    def mfa_challenge_peek(self, *, token: str, now: datetime | None = None) -> User | None: ...

    def mfa_challenges_end_everywhere(self, *, user: User, now: datetime | None = None) -> int: ...

    def api_keys_revoke_for_user(self, *, user_id: Any, reason: str, now: datetime | None = None) -> int: ...

    def principal_for_token(
        self, *, tenant: Tenant, user_id: UUID, session_id: UUID, now: datetime, session_checked: bool
    ) -> User | None: ...

    def principal_snapshot_read(
        self, *, tenant: Tenant, user_id: UUID, now: datetime
    ) -> dict[str, Any] | None: ...

    def principal_from_snapshot(self, snapshot: dict[str, Any], *, now: datetime) -> User | None: ...


@lru_cache(maxsize=1)
def tenant_side() -> TenantSide:
    return cast(TenantSide, import_module(str(settings.AUTHN_TENANT_SIDE)))
