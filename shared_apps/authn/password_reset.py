"""Password reset: a single-use token of ≤ 15 minutes, stored as its SHA-256, mailed as a link on the
tenant's primary domain (never the request's Host, which a client controls). The request answers the same
whether or not the account exists; only members of the tenant get a mail."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from shared_apps.accounts.managers import normalize_email
from shared_apps.accounts.models import PasswordResetToken, User
from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import ValidationFailed
from shared_apps.core.mail import mail_enqueue
from shared_apps.tenants.models import Tenant
from shared_apps.tenants.selectors import tenant_primary_domain
from tenant_apps.sessions.tokens import opaque_secret, secret_digest

from .passwords import password_set_by_reset

logger = logging.getLogger(__name__)

INVALID_TOKEN = "Ce lien de réinitialisation est invalide ou a expiré."  # noqa: S105 - a message


def _lifetime() -> timedelta:
    return timedelta(seconds=min(int(settings.PASSWORD_RESET_TOKEN_LIFETIME_SECONDS), 900))


def reset_link(*, tenant: Tenant, token: str) -> str:
    domain = tenant_primary_domain(tenant=tenant)
    if not domain:
        raise ValidationFailed("Cette organisation n'a pas de domaine principal.", code="no_primary_domain")
    return str(settings.PASSWORD_RESET_URL).format(domain=domain, token=token)


def _send(*, to: str, tenant_name: str, link: str, minutes: int, invited_by: str | None) -> None:
    if invited_by is not None:
        subject = f"{tenant_name} : vous êtes invité à rejoindre l'équipe"
        message = (
            f"{invited_by} vous a ajouté à l'équipe {tenant_name}.\n\n"
            f"Ouvrez ce lien dans les {minutes} minutes pour choisir votre mot de passe :\n{link}\n\n"
            "Passé ce délai, demandez un nouveau lien avec « Mot de passe oublié » sur la page de connexion."
        )
    else:
        subject = f"{tenant_name} : réinitialisation de votre mot de passe"
        message = (
            f"Quelqu'un a demandé la réinitialisation du mot de passe de votre compte {tenant_name}.\n\n"
            f"Ouvrez ce lien dans les {minutes} minutes pour choisir un nouveau mot de passe :\n{link}\n\n"
            "Si ce n'était pas vous, ignorez ce message : votre mot de passe reste inchangé."
        )
    mail_enqueue(subject=subject, message=message, to=[to])


@transaction.atomic
def password_reset_request(
    *, tenant: Tenant, email: str, now: datetime | None = None, invited_by: str | None = None
) -> None:
    """`invited_by` (who added the member): the mail is an invitation to choose a first password."""
    now = now or timezone.now()
    user = (
        User.objects.filter(
            email__lower=normalize_email(email),
            is_active=True,
            memberships__tenant=tenant,
            memberships__is_active=True,
        )
        .distinct()
        .first()
    )
    if user is None:
        return
    # A new link retires the older ones: only the latest mail works.
    PasswordResetToken.objects.filter(user=user, tenant=tenant, used_at__isnull=True).update(used_at=now)
    token = opaque_secret()
    PasswordResetToken.objects.create(
        user=user, tenant=tenant, token_hash=secret_digest(token), expires_at=now + _lifetime()
    )
    link = reset_link(tenant=tenant, token=token)
    audit_record(event_type=EventType.PASSWORD_RESET_REQUESTED, tenant=tenant, user=user)
    minutes = int(_lifetime().total_seconds() // 60)
    address, name = user.email, tenant.name
    transaction.on_commit(
        lambda: _send(to=address, tenant_name=name, link=link, minutes=minutes, invited_by=invited_by)
    )


@dataclass(frozen=True)
class TokenCheck:
    valid: bool
    reason: str | None


def _find(*, tenant: Tenant, token: str) -> PasswordResetToken | None:
    return (
        PasswordResetToken.objects.select_related("user")
        .filter(tenant=tenant, token_hash=secret_digest(token))
        .first()
    )


def password_reset_validate(*, tenant: Tenant, token: str, now: datetime | None = None) -> TokenCheck:
    now = now or timezone.now()
    row = _find(tenant=tenant, token=token)
    if row is None:
        return TokenCheck(valid=False, reason="invalid")
    if row.used_at is not None:
        return TokenCheck(valid=False, reason="used")
    if row.expires_at <= now:
        return TokenCheck(valid=False, reason="expired")
    return TokenCheck(valid=True, reason=None)


@transaction.atomic
def password_reset_confirm(
    *,
    tenant: Tenant,
    token: str,
    new_password: str,
    now: datetime | None = None,
) -> int:
    """Set the new password and end every session of the user; returns how many sessions ended."""
    now = now or timezone.now()
    row = _find(tenant=tenant, token=token)
    if row is None or row.used_at is not None or row.expires_at <= now or not row.user.is_active:
        raise ValidationFailed(INVALID_TOKEN, code="invalid_reset_token")
    # Single use even under a race: only the update that still finds it unused goes on.
    if PasswordResetToken.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
        raise ValidationFailed(INVALID_TOKEN, code="invalid_reset_token")
    result = password_set_by_reset(tenant=tenant, user=row.user, new_password=new_password)
    audit_record(
        event_type=EventType.PASSWORD_RESET_COMPLETED,
        tenant=tenant,
        user=row.user,
        details={"sessions_revoked": result.sessions_revoked},
    )
    return result.sessions_revoked
