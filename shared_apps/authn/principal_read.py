"""What an access token's principal is built from, read in one statement: the user, their membership of the
tenant, their live role codes and whether they have a second factor (and, without Redis, the live session).

Every authenticated request runs it, so it is hand-written: the ORM spent more time building and compiling
the annotated query (FilteredRelation, Exists, ArraySubquery) than PostgreSQL spent running it. The text is
fixed (built once from the models' tables), values are bound. Users, memberships, roles and MFA devices are
public, so they are schema-qualified; the session table is the tenant's own, found on the search_path, and
its part of the statement comes from tenant_apps.sessions.selectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection
from django_tenants.utils import get_public_schema_name

from shared_apps.accounts.models import Membership, User
from shared_apps.mfa.models import TOTPDevice
from shared_apps.rbac.models import Permission, Role, RoleAssignment
from shared_apps.rbac.principal import MembershipState
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions.selectors import LIVE_SESSION_CONDITION, LIVE_SESSION_TABLE


@dataclass(frozen=True)
class PrincipalFacts:
    """The rows behind a principal (rbac.principal.principal_build makes the permissions of them)."""

    user: User
    membership: MembershipState | None
    live_role_codes: tuple[str | None, ...] | None
    has_mfa: bool


def _table(model: Any) -> str:
    quote = connection.ops.quote_name
    return f"{quote(get_public_schema_name())}.{quote(model._meta.db_table)}"


_USER_FIELDS = tuple(User._meta.concrete_fields)
_USER_ATTNAMES = tuple(field.attname for field in _USER_FIELDS)
_ROLE_PERMISSIONS = Role.permissions.through

# The live role codes come from one aggregate: NULL when no assignment is live (then the member role applies,
# rbac.selectors.codes_combine), a NULL element for a live role without permissions. One subquery, not an
# EXISTS plus an ARRAY: planning, not running, is what this statement costs.
_ASSIGNMENTS = f"""
        FROM {_table(RoleAssignment)} a
        LEFT JOIN {_table(_ROLE_PERMISSIONS)} rp ON rp.role_id = a.role_id
        LEFT JOIN {_table(Permission)} p ON p.id = rp.permission_id
        WHERE a.membership_id = m.id AND (a.expires_at IS NULL OR a.expires_at > %(now)s)"""


def _principal_columns(roles: str) -> str:
    return f"""
SELECT {", ".join(f'u."{field.column}"' for field in _USER_FIELDS)},
       m.is_active, m.is_admin,
       (SELECT {roles}{_ASSIGNMENTS}),
       EXISTS (SELECT 1 FROM {_table(TOTPDevice)} d WHERE d.user_id = u.id AND d.confirmed)"""  # noqa: S608 - identifiers from the models; values bound


_PRINCIPAL_COLUMNS = _principal_columns("array_agg(p.code)")

_MEMBERSHIP_JOIN = f"""
LEFT JOIN {_table(Membership)} m ON m.user_id = u.id AND m.tenant_id = %(tenant_id)s"""

# Redis already said the session is not revoked: the user, their membership here, their live role codes.
PRINCIPAL_SQL = f"""{_PRINCIPAL_COLUMNS}
FROM {_table(User)} u{_MEMBERSHIP_JOIN}
WHERE u.id = %(user_id)s AND u.is_active"""

# No Redis answer: the same, joined to the live session row of this tenant.
PRINCIPAL_WITH_SESSION_SQL = f"""{_PRINCIPAL_COLUMNS}
FROM {LIVE_SESSION_TABLE}
JOIN {_table(User)} u ON u.id = s.user_id{_MEMBERSHIP_JOIN}
WHERE {LIVE_SESSION_CONDITION} AND u.is_active"""


# Redis said the session is not revoked and holds no valid snapshot: the same, with each live role code's
# expiry, for accounts.principal_cache to keep (a NULL code for a live role without permissions, as above).
_ROLES_WITH_EXPIRY = "json_agg(json_build_array(p.code, extract(epoch FROM a.expires_at)))"
PRINCIPAL_SNAPSHOT_SQL = f"""{_principal_columns(_ROLES_WITH_EXPIRY)}
FROM {_table(User)} u{_MEMBERSHIP_JOIN}
WHERE u.id = %(user_id)s AND u.is_active"""

# The password hash never goes to Redis: a User built from a snapshot loads it on first use (change-password).
_SNAPSHOT_FIELDS = tuple(field for field in _USER_FIELDS if field.attname != "password")
_SNAPSHOT_ATTNAMES = [field.attname for field in _SNAPSHOT_FIELDS]
# A snapshot written by a release with other User fields (a deploy within the TTL) is not read, but rebuilt.
_SNAPSHOT_LAYOUT = ",".join(_SNAPSHOT_ATTNAMES)


def _facts(user: User, *, is_active: Any, is_admin: Any, codes: Any, has_mfa: Any) -> PrincipalFacts:
    membership = (
        None if is_active is None else MembershipState(active=bool(is_active), is_admin=bool(is_admin))
    )
    return PrincipalFacts(
        user=user,
        membership=membership,
        live_role_codes=None if codes is None else tuple(codes),
        has_mfa=bool(has_mfa),
    )


def _facts_from_row(row: Sequence[Any]) -> PrincipalFacts:
    count = len(_USER_ATTNAMES)
    user = User.from_db(connection.alias, list(_USER_ATTNAMES), row[:count])
    is_active, is_admin, codes, has_mfa = row[count:]
    return _facts(user, is_active=is_active, is_admin=is_admin, codes=codes, has_mfa=has_mfa)


def principal_snapshot_read(*, tenant: Tenant, user_id: UUID, now: datetime) -> dict[str, Any] | None:
    """What principal_for_token reads (the session aside: Redis answered for it), as a JSON-able snapshot
    for shared_apps.accounts.principal_cache, or None for an unknown or inactive user. Each live role code
    keeps its expiry (epoch seconds, or None), so that principal_from_snapshot drops it once it runs out."""
    with connection.cursor() as cursor:
        cursor.execute(PRINCIPAL_SNAPSHOT_SQL, {"tenant_id": tenant.pk, "user_id": user_id, "now": now})
        row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(_USER_ATTNAMES, row, strict=False))
    is_active, is_admin, roles, has_mfa = row[len(_USER_ATTNAMES) :]
    return {
        "layout": _SNAPSHOT_LAYOUT,
        "user": [_json_value(field.get_prep_value(values[field.attname])) for field in _SNAPSHOT_FIELDS],
        "member": is_active is not None,
        "active": bool(is_active),
        "admin": bool(is_admin),
        "roles": None if roles is None else [[code, expires] for code, expires in roles],
        "mfa": bool(has_mfa),
    }


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def principal_from_snapshot(snapshot: dict[str, Any], *, now: datetime) -> PrincipalFacts | None:
    """The facts of a snapshot (no query), as principal_for_token would have read them at `now`; None for a
    snapshot of another layout (then read the database)."""
    if snapshot.get("layout") != _SNAPSHOT_LAYOUT or "member" not in snapshot:
        return None
    values = [field.to_python(value) for field, value in zip(_SNAPSHOT_FIELDS, snapshot["user"], strict=True)]
    user = User.from_db(connection.alias, _SNAPSHOT_ATTNAMES, values)
    codes = None
    if snapshot["roles"] is not None:
        moment = now.timestamp()
        live = [code for code, expires in snapshot["roles"] if expires is None or float(expires) > moment]
        codes = live or None  # no live assignment left: the member role applies, as in the statement
    return _facts(
        user,
        is_active=snapshot["active"] if snapshot["member"] else None,
        is_admin=snapshot["admin"],
        codes=codes,
        has_mfa=snapshot["mfa"],
    )


def principal_for_token(
    *, tenant: Tenant, user_id: UUID, session_id: UUID, now: datetime, session_checked: bool
) -> PrincipalFacts | None:
    """The facts behind an access token, or None (unknown or inactive user; without `session_checked`, also
    a session that is not live). One statement either way: when Redis already said the session is not
    revoked (`session_checked`), only the user and their membership are read; otherwise the live session
    row is joined in. Role expiry is checked against `now`, the time of this request."""
    params = {"tenant_id": tenant.pk, "user_id": user_id, "now": now}
    if session_checked:
        statement = PRINCIPAL_SQL
    else:
        statement, params["session_id"] = PRINCIPAL_WITH_SESSION_SQL, session_id
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
    return None if row is None else _facts_from_row(row)
