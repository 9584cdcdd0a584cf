"""`Authorization: Bearer <access token>`: a valid JWT of this tenant whose session is still alive.

Checks, in order: signature, kid, algorithm, issuer, audience, expiry (sessions.tokens.access_token_decode);
the token's `tid` is the tenant the request is routed to; the session is alive and the user is active
(one Redis MGET, which usually brings the principal too: accounts.principal_cache; answered by this
process's copy of those keys when Redis has told of no change since: core.near_cache; or one query without
Redis: principal_read). Redis only ever holds the positive fact "alive" (sessions.revocation): when it
holds none — expired, evicted, flushed — the session row is read, so losing Redis data never revives a
revoked session. Logout and revocation therefore take effect on the next request. Every failure
answers the same 401, so the reason is not an oracle. A success builds the `Principal` and binds it to the
request context.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from shared_apps.accounts import principal_cache
from shared_apps.accounts.models import User
from shared_apps.core.exceptions import PermissionDenied
from shared_apps.rbac.principal import CredentialKind, MfaState, Principal, principal_bind, principal_build
from shared_apps.tenants.current import request_tenant_or_none
from shared_apps.tenants.models import Tenant
from tenant_apps.sessions import revocation
from tenant_apps.sessions.selectors import session_live_until
from tenant_apps.sessions.tokens import SCOPE_MFA_SETUP, AccessClaims, InvalidToken, access_token_decode

from .principal_read import (
    PrincipalFacts,
    principal_for_token,
    principal_from_snapshot,
    principal_snapshot_read,
)

logger = logging.getLogger(__name__)

FAILURE_MESSAGE = "Jeton d'accès invalide ou expiré."


def _fail(reason: str) -> AuthenticationFailed:
    logger.info("access token refused: %s", reason)
    return AuthenticationFailed(FAILURE_MESSAGE, code="invalid_token")


def _open_during_mfa_setup(request: Request) -> bool:
    """Whether the view declares `allowed_during_mfa_setup` (MFA set-up and enable, status, me, logout)."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return bool(getattr(view, "allowed_during_mfa_setup", False))


class AccessTokenAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request: Request) -> tuple[User, Principal] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise _fail("malformed Authorization header")
        try:
            claims = access_token_decode(parts[1].decode("ascii"))
        except (InvalidToken, UnicodeDecodeError) as error:
            raise _fail(str(error)) from error
        tenant = request_tenant_or_none(request)
        if tenant is None or claims.tenant != tenant.slug:
            raise _fail("token of another tenant")
        now = timezone.now()
        cached = principal_cache.lookup(
            session_keys=revocation.session_keys(tenant.schema_name, claims.session_id),
            tenant_id=tenant.pk,
            user_id=claims.user_id,
        )
        if cached.session_alive is False and not self._session_confirm(
            tenant=tenant, claims=claims, cached=cached, now=now
        ):
            raise _fail("session revoked or expired")
        facts = self._facts(tenant=tenant, claims=claims, cached=cached, now=now)
        if facts is None:
            raise _fail("no live session or inactive user")
        restricted = claims.scope == SCOPE_MFA_SETUP
        if restricted and not _open_during_mfa_setup(request):
            # The one place the tenant's MFA policy is enforced for every view.
            raise PermissionDenied(
                "Cette organisation exige l'authentification à deux "
                "facteurs : configurez-la d'abord (/mfa/setup).",
                code="mfa_setup_required",
            )
        principal = self._principal(tenant=tenant, claims=claims, facts=facts, restricted=restricted)
        principal_bind(principal)
        return principal.user, principal

    @staticmethod
    def _principal(
        *, tenant: Tenant, claims: AccessClaims, facts: PrincipalFacts, restricted: bool
    ) -> Principal:
        return principal_build(
            user=facts.user,
            tenant=tenant,
            membership=facts.membership,
            live_role_codes=facts.live_role_codes,
            mfa=MfaState(enabled=facts.has_mfa, setup_pending=restricted),
            auth_time=datetime.fromtimestamp(claims.auth_time, tz=UTC),
            credential=CredentialKind.TOKEN,
            session_id=claims.session_id,
        )

    @staticmethod
    def _session_confirm(
        *, tenant: Tenant, claims: AccessClaims, cached: principal_cache.Lookup, now: datetime
    ) -> bool:
        """Redis holds no trusted fact: ask the session row, and let Redis remember a live one under the
        generation read before that row (sessions.revocation explains why before)."""
        generation = cached.session_generation or revocation.generation_claim(
            schema_name=tenant.schema_name, session_id=claims.session_id
        )
        until = session_live_until(session_id=claims.session_id, user_id=claims.user_id, now=now)
        if until is None:
            return False
        if generation:
            revocation.mark_alive(
                schema_name=tenant.schema_name,
                session_id=claims.session_id,
                generation=generation,
                until=until,
                now=now,
            )
        return True

    @staticmethod
    def _facts(
        *, tenant: Tenant, claims: AccessClaims, cached: principal_cache.Lookup, now: datetime
    ) -> PrincipalFacts | None:
        """From Redis's snapshot when it has a valid one (no SQL at all); else from the database, kept in
        Redis for the next request when Redis answered for the session (the session is alive by now)."""
        if cached.session_alive is None:  # no Redis answer: the session row is read too
            return principal_for_token(
                tenant=tenant,
                user_id=claims.user_id,
                session_id=claims.session_id,
                now=now,
                session_checked=False,
            )
        if cached.snapshot is not None:
            facts = principal_from_snapshot(cached.snapshot, now=now)
            if facts is not None:
                return facts
        snapshot = principal_snapshot_read(tenant=tenant, user_id=claims.user_id, now=now)
        if snapshot is None:
            return None
        principal_cache.store(
            tenant_id=tenant.pk, user_id=claims.user_id, stamp=cached.stamp, snapshot=snapshot
        )
        return principal_from_snapshot(snapshot, now=now)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'

    def __repr__(self, *args: Any) -> str:
        return "AccessTokenAuthentication"
