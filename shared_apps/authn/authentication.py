"""`Authorization: Bearer <access token>`: a valid JWT of this tenant whose session is still alive.

Checks, in order: signature, kid, algorithm, issuer, audience, expiry (tokens.access_token_decode); the
token's `tid` is the tenant the request is routed to; the session is not revoked and the user is active
(one Redis MGET, which usually brings the principal too: principal_cache.py; answered by this process's
copy of those keys when Redis has told of no change since: near_cache.py; or one query without Redis).
Logout and revocation therefore take effect on the next request. Every failure answers the same 401, so
the reason is not an oracle.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from shared_apps.accounts.models import User
from shared_apps.core.exceptions import PermissionDenied
from shared_apps.tenants.models import Tenant

from . import principal_cache
from .tenant_side import tenant_side
from .tokens import SCOPE_MFA_SETUP, AccessClaims, InvalidToken, access_token_decode

logger = logging.getLogger(__name__)

FAILURE_MESSAGE = "Invalid or expired access token."


def _fail(reason: str) -> AuthenticationFailed:
    logger.info("access token refused: %s", reason)
    return AuthenticationFailed(FAILURE_MESSAGE, code="invalid_token")


def _open_during_mfa_setup(request: Request) -> bool:
    """Whether the view declares `allowed_during_mfa_setup` (MFA set-up and enable, status, me, logout)."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return bool(getattr(view, "allowed_during_mfa_setup", False))


class AccessTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, AccessClaims] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise _fail("malformed Authorization header")
        try:
            claims = access_token_decode(parts[1].decode("ascii"))
        except (InvalidToken, UnicodeDecodeError) as error:
            raise _fail(str(error)) from error
        tenant = getattr(request._request, "tenant", None)
        if tenant is None or claims.tenant != tenant.slug:
            raise _fail("token of another tenant")
        now = timezone.now()
        cached = principal_cache.lookup(
            schema_name=tenant.schema_name,
            tenant_id=tenant.pk,
            user_id=claims.user_id,
            session_id=claims.session_id,
        )
        if cached.revoked:
            raise _fail("session revoked")
        user = self._principal(tenant=tenant, claims=claims, cached=cached, now=now)
        if user is None:
            raise _fail("no live session or inactive user")
        if claims.scope == SCOPE_MFA_SETUP and not _open_during_mfa_setup(request):
            # M3: the one place the tenant's MFA policy is enforced for every view.
            raise PermissionDenied(
                "This organisation requires two-factor authentication: set it up first (/mfa/setup).",
                code="mfa_setup_required",
            )
        return user, claims

    @staticmethod
    def _principal(
        *, tenant: Tenant, claims: AccessClaims, cached: principal_cache.Lookup, now: datetime
    ) -> User | None:
        """From Redis's snapshot when it has a valid one (no SQL at all); else from the database, kept in
        Redis for the next request when Redis answered for the session."""
        if cached.revoked is None:  # no Redis answer: the session row is read too
            return tenant_side().principal_for_token(
                tenant=tenant,
                user_id=claims.user_id,
                session_id=claims.session_id,
                now=now,
                session_checked=False,
            )
        if cached.snapshot is not None:
            user = tenant_side().principal_from_snapshot(cached.snapshot, now=now)
            if user is not None:
                return user
        snapshot = tenant_side().principal_snapshot_read(tenant=tenant, user_id=claims.user_id, now=now)
        if snapshot is None:
            return None
        principal_cache.store(
            tenant_id=tenant.pk, user_id=claims.user_id, stamp=cached.stamp, snapshot=snapshot
        )
        return tenant_side().principal_from_snapshot(snapshot, now=now)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'

    def __repr__(self, *args: Any) -> str:
        return "AccessTokenAuthentication"
