"""Audit writes. Rows are only ever added, in the caller's transaction (same connection): an action that
rolls back leaves no audit row, and an audit row is never missing for an action that committed."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.db import connection, transaction
from django.http import HttpRequest

from shared_apps.core.net import client_ip
from shared_apps.tenants.models import Tenant

from .models import AuditEvent, EventType, Factor

USER_AGENT_MAX = 512
REQUEST_ID_MAX = 128
EMAIL_MAX = 254
PSEUDONYMISE_GUC = "massacorp.audit_pseudonymise"


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _request_context(request: Any) -> tuple[str | None, str, str]:
    """(ip, user agent, request id) from a Django HttpRequest or a DRF Request (which wraps one)."""
    if request is None:
        return None, "", ""
    django_request: HttpRequest = getattr(request, "_request", request)
    ip = _valid_ip(client_ip(django_request))
    user_agent = django_request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]
    request_id = str(getattr(django_request, "request_id", ""))[:REQUEST_ID_MAX]
    return ip, user_agent, request_id


def audit_record(
    *,
    event_type: EventType | str,
    tenant: Tenant | None = None,
    user: Any = None,
    request: Any = None,
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
    - `tenant`: defaults to the tenant the request was routed to (`request.tenant`), if any.
    - `request`: a Django HttpRequest or DRF Request; gives the client IP (X-Forwarded-For only from a
      trusted proxy), the user agent and the request id set by RequestContextMiddleware.
    - `details`: JSON-serialisable context. Keep personal data out of it (ids, not names or addresses):
      GDPR pseudonymisation rewrites only the identity columns.
    """
    if tenant is None and request is not None:
        tenant = getattr(request, "tenant", None)
    ip, user_agent, request_id = _request_context(request)
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
        ip=ip,
        user_agent=user_agent,
        request_id=request_id,
        success=success,
        factor=str(factor) if factor else "",
        details=details or {},
    )


@transaction.atomic
def audit_pseudonymise(*, user_id: Any, email: str, pseudonym: str) -> int:
    """GDPR (M4): unlink every audit row from a person and replace their e-mail snapshot by `pseudonym`;
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
