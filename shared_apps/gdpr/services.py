"""Erasure and anonymisation of a person, in every schema that holds something about them.

Both run in one transaction across the public schema and every tenant schema (schema_context only moves
the search_path of the same connection), so a failure leaves nothing half-erased. Audit rows stay: they are
pseudonymised through the one exception the append-only trigger allows (audit.services.audit_pseudonymise),
and the erasure itself is audited under the pseudonym.

Who may: an administrator (users:admin) of the routed tenant, and, when the person also belongs to other
tenants, an administrator of each of them too (or platform staff): one tenant cannot erase an account
another tenant relies on. Never oneself: the self-service path is a request to an administrator.
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.accounts import principal_cache
from shared_apps.accounts.models import Membership, User
from shared_apps.audit.models import EventType
from shared_apps.audit.services import audit_pseudonymise, audit_record
from shared_apps.core.exceptions import PermissionDenied, ValidationFailed
from shared_apps.rbac.enums import PermissionCode
from shared_apps.rbac.principal import is_platform_staff
from shared_apps.rbac.selectors import permission_codes_for
from shared_apps.tenants.models import Tenant

from .sources import PUBLIC_SOURCES, tenant_sources

EVENT_ERASED = EventType.GDPR_ERASED
EVENT_ANONYMIZED = EventType.GDPR_ANONYMIZED
ANONYMOUS_DOMAIN = "anonymized.invalid"


def _guard(*, tenant: Tenant, user: User, actor: User) -> None:
    if user.pk == actor.pk:
        raise PermissionDenied(
            "Vous ne pouvez pas effacer ni anonymiser votre propre compte ici.", code="cannot_modify_self"
        )
    if is_platform_staff(actor):
        return
    now = timezone.now()
    others = Membership.objects.filter(user=user).exclude(tenant=tenant)
    for other in others:
        mine = Membership.objects.filter(user=actor, tenant_id=other.tenant_id, is_active=True).first()
        codes = (
            permission_codes_for(user_id=actor.pk, tenant_id=other.tenant_id, is_admin=mine.is_admin, now=now)
            if mine
            else frozenset()
        )
        if PermissionCode.USERS_ADMIN not in codes:
            raise PermissionDenied(
                "Ce compte appartient aussi à une autre organisation ; ses "
                "administrateurs doivent donner leur accord.",
                code="shared_account",
            )


def _every_tenant_schema() -> list[str]:
    # Every tenant, not only the current memberships: a past membership may have left rows behind. A deleted
    # tenant's schema is gone (its tombstone row stays for the audit log).
    tenants = Tenant.objects.filter(deleted_at__isnull=True).order_by("slug")
    return list(tenants.values_list("schema_name", flat=True))


def _pseudonym() -> str:
    return f"erased-{secrets.token_hex(8)}"


@transaction.atomic
def gdpr_delete(*, tenant: Tenant, user: User, actor: User, reason: str, confirm: bool) -> str:
    """Erase the person everywhere; returns the pseudonym their audit rows now carry."""
    if confirm is not True:
        raise ValidationFailed(
            "L'effacement est irréversible : envoyez confirm=true.", code="confirmation_required"
        )
    _guard(tenant=tenant, user=user, actor=actor)
    for schema_name in _every_tenant_schema():
        with schema_context(schema_name):
            for source in tenant_sources():
                source.erase(user)
    for source in PUBLIC_SOURCES:
        source.erase(user)
    pseudonym = _pseudonym()
    audit_pseudonymise(user_id=user.pk, email=user.email, pseudonym=pseudonym)
    audit_record(
        event_type=EVENT_ERASED,
        tenant=tenant,
        user=None,
        email=pseudonym,
        actor=actor,
        details={"reason": reason[:500]},
    )
    principal_cache.forget_user(user.pk)
    user.delete()
    return pseudonym


@transaction.atomic
def gdpr_anonymize(*, tenant: Tenant, user: User, actor: User, reason: str) -> User:
    """Replace every personal field for good; the account stays as an inactive, nameless row (for the
    organisation's statistics), signed out everywhere and unable to sign in."""
    _guard(tenant=tenant, user=user, actor=actor)
    for schema_name in _every_tenant_schema():
        with schema_context(schema_name):
            for source in tenant_sources():
                (source.anonymize or source.erase)(user)
    for source in PUBLIC_SOURCES:
        if source.anonymize is not None:
            source.anonymize(user)
    pseudonym = _pseudonym()
    audit_pseudonymise(user_id=user.pk, email=user.email, pseudonym=pseudonym)
    Membership.objects.filter(user=user).update(is_active=False, updated_at=timezone.now())
    user.email = f"{pseudonym}@{ANONYMOUS_DOMAIN}"
    user.first_name = user.last_name = user.phone = ""
    user.is_active = user.is_verified = user.is_staff = user.is_superuser = False
    user.last_login_at = user.password_changed_at = None
    user.set_unusable_password()
    user.save()
    principal_cache.forget_user(user.pk)
    user.groups.clear()
    user.user_permissions.clear()
    audit_record(
        event_type=EVENT_ANONYMIZED,
        tenant=tenant,
        user=user,
        actor=actor,
        details={"reason": reason[:500]},
    )
    return user
