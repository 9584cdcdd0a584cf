"""Audit writes. Rows are only ever added, in the caller's transaction (same connection): an action that
rolls back leaves no audit row, and an audit row is never missing for an action that committed."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import connection, transaction

from shared_apps.core.context import request_context
from shared_apps.tenants.models import Tenant

from .models import AuditEvent, EventType, Factor

EMAIL_MAX = 254
PSEUDONYMISE_GUC = "massacorp.audit_pseudonymise"


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def audit_record(
    *,
    event_type: EventType | str,
    tenant: Tenant | None = None,
    user: Any = None,
    success: bool = True,
    details: dict[str, Any] | None = None,
    factor: Factor | str | None = None,
    email: str | None = None,
    actor: Any = None,
) -> AuditEvent:
    """Append one audit event, in the caller's transaction.

    - `user`: the account the event is about (None when unknown, e.g. a login with an unknown e-mail).
    - `email`: the e-mail snapshot; defaults to `user.email`. For a failed login with an unknown account,
      pass the address that was tried.
    - `actor`: who acted, when that is not `user` (an admin deactivating a member); its e-mail is kept too.
    - `tenant`: the tenant the event belongs to (None for a platform-wide one).
    The client IP (X-Forwarded-For only from a trusted proxy), the user agent and the request id come from
    the request context (shared_apps.core.context), bound by the request middleware or by a command or job.
    - `details`: JSON-serialisable context. Keep personal data out of it (ids, not names or addresses):
      GDPR pseudonymisation rewrites only the identity columns.
    """
    context = request_context()
    if email is None:
        email = getattr(user, "email", "") or ""
    actor_email = (getattr(actor, "email", "") or "") if actor is not None else ""
    return AuditEvent.objects.create(
        event_type=str(event_type),
        tenant=tenant,
        user=user,
        email=email[:EMAIL_MAX],
        actor=actor,
        actor_email=actor_email[:EMAIL_MAX],
        ip=_valid_ip(context.ip),
        user_agent=context.user_agent,
        request_id=context.request_id,
        success=success,
        factor=str(factor) if factor else "",
        details=details or {},
    )


@transaction.atomic
def audit_pseudonymise(*, user_id: Any, email: str, pseudonym: str) -> int:
    """GDPR: unlink every audit row from a person and replace their e-mail snapshot by `pseudonym`;
    the IP address and user agent of the requests they made (as the subject with no other actor, or as
    the actor) are emptied too.

    The only change the append-only trigger allows, and only inside this transaction: the session flag is
    set with SET LOCAL semantics and switched off again before returning. Rows where the person was the
    subject or the actor are rewritten, as are rows that recorded `email` without a link (failed logins
    before the account existed). Returns the number of rows rewritten. Call it before deleting the user:
    the foreign keys PROTECT audited users.
    """
    events = AuditEvent.objects
    untraced = {"ip": None, "user_agent": ""}  # the person's own requests: who else acted keeps theirs
    with connection.cursor() as cursor:
        # Transaction-local (is_local = true): a failure rolls the flag back with the transaction.
        cursor.execute("SELECT set_config(%s, 'on', true)", [PSEUDONYMISE_GUC])
        own = events.filter(user_id=user_id, actor__isnull=True)
        rewritten = own.update(user=None, email=pseudonym, **untraced)
        rewritten += events.filter(user_id=user_id).update(user=None, email=pseudonym)
        rewritten += events.filter(actor_id=user_id).update(actor=None, actor_email=pseudonym, **untraced)
        if email:
            rewritten += events.filter(user__isnull=True, email__iexact=email).update(email=pseudonym)
            rewritten += events.filter(actor__isnull=True, actor_email__iexact=email).update(
                actor_email=pseudonym
            )
        # Off again at once: the caller's transaction may go on, and nothing else may use the exception.
        cursor.execute("SELECT set_config(%s, 'off', true)", [PSEUDONYMISE_GUC])
    return rewritten
