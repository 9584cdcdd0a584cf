"""Self-sign-up (POST /auth/register) that does not tell whether an address already has an account.

An address that is taken answers as a new one does: the same password checks first, the same Argon2 work,
the same 201 body (describing an account that is not created), and the address's owner gets a mail saying
someone tried to sign up with it. Only the owner of the mailbox learns that the account exists. This is
Supabase Auth's answer to sign-up enumeration (Keycloak's registration form says "email already exists");
login and password reset already answer alike for every address.
What still differs is the mail, sent after the commit as the password reset's is: with a slow mail server
the taken case takes longer, the same trade-off the reset makes.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_record
from shared_apps.core.exceptions import Conflict
from shared_apps.core.mail import mail_enqueue
from shared_apps.tenants.models import Tenant
from shared_apps.tenants.selectors import tenant_primary_domain

from .models import Membership, User
from .passwords import validate_password_policy
from .services import clean_email, member_create


def self_register(
    *,
    tenant: Tenant,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
) -> Membership:
    """The new member's membership; for a taken address, an unsaved one shaped as if it were new."""
    address = clean_email(email)
    try:
        # member_create looks the address up first (and settles a concurrent sign-up of it by the unique
        # index), before any password check: a taken address leaves here with nothing created.
        return member_create(
            tenant=tenant,
            email=address,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
    except Conflict as error:
        if error.code != "email_taken":
            raise
    return _taken(
        tenant=tenant,
        existing=User.objects.get(email__lower=address),
        address=address,
        password=password,
        first_name=first_name,
        last_name=last_name,
    )


@transaction.atomic
def _taken(
    *,
    tenant: Tenant,
    existing: User,
    address: str,
    password: str,
    first_name: str,
    last_name: str,
) -> Membership:
    # The checks and the work a new account costs (member_create), so that neither answer nor time differ.
    validate_password_policy(password, email=address, tenant_name=tenant.name)
    make_password(password)
    audit_record(
        event_type=EventType.SIGNUP_WITH_TAKEN_EMAIL,
        tenant=tenant,
        user=existing,
        success=False,
    )
    if existing.is_active:
        to, name, domain = existing.email, tenant.name, tenant_primary_domain(tenant=tenant)
        transaction.on_commit(lambda: _send(to=to, tenant_name=name, domain=domain))
    now = timezone.now()
    shown = User(
        id=uuid.uuid4(),
        email=address,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_verified=False,
        created_at=now,
        updated_at=now,
    )
    return Membership(user=shown, tenant=tenant, is_active=True)


def _send(*, to: str, tenant_name: str, domain: str | None) -> None:
    where = f" sur https://{domain}/" if domain else ""
    mail_enqueue(
        subject=f"{tenant_name} : tentative d'inscription avec votre adresse",
        message=(
            f"Quelqu'un a essayé de créer un compte {tenant_name} avec cette adresse, qui a déjà un compte "
            f"chez nous.\n\nSi c'était vous, connectez-vous{where} avec votre mot de passe, ou demandez-y "
            "une réinitialisation si vous l'avez oublié. Sinon, ignorez ce message : rien n'a été modifié."
        ),
        to=[to],
    )
