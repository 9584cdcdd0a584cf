"""Where personal data lives: one `Source` per kind, with how to export, erase and anonymise it.

Every source is listed here, public and per-tenant alike; a tenant app's data is read and erased by the
functions of its own `gdpr` module (tenant_apps/<app>/gdpr.py), which services call inside each schema.
tests/shared_apps/gdpr/test_completeness.py fails when a model holding personal data (a link to a user, an
e-mail, phone or IP address) is covered by no source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models import Q

from shared_apps.accounts.models import Membership, PasswordResetToken, User
from shared_apps.audit.models import AuditEvent
from shared_apps.mfa.services import mfa_delete_for_user, mfa_export_for_user
from shared_apps.oauth.models import OAuthFlow, OAuthIdentity
from shared_apps.rbac.models import RoleAssignment
from shared_apps.tenants.models import Tenant
from tenant_apps.apikeys.gdpr import api_keys_anonymize, api_keys_erase, api_keys_export
from tenant_apps.sessions.gdpr import (
    mfa_challenges_erase,
    mfa_challenges_export,
    sessions_anonymize,
    sessions_erase,
    sessions_export,
)

Exporter = Callable[[User, Tenant | None], Any]
Eraser = Callable[[User], None]


@dataclass(frozen=True)
class Source:
    """`export(user, tenant)`: tenant None = everything (the person's own export); a tenant = what that
    tenant holds (an administrator's export). Tenant sources (`per_tenant`) are called inside each schema
    and get the tenant whose schema is active."""

    key: str
    category: str
    models: tuple[str, ...]
    fields: tuple[str, ...]
    purpose: str
    retention: str
    legal_basis: str
    export: Exporter
    erase: Eraser
    anonymize: Eraser | None = None
    per_tenant: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _profile(user: User, tenant: Tenant | None) -> dict[str, Any]:
    return {
        "id": str(user.pk),
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": user.phone,
        "is_active": user.is_active,
        "is_verified": user.is_verified,
        "has_password": user.has_usable_password(),
        "password_changed_at": user.password_changed_at,
        "last_login_at": user.last_login_at,
        "created_at": user.created_at,
        "updated_at": user.updated_at,
        "groups": list(user.groups.values_list("name", flat=True)),
        "user_permissions": list(user.user_permissions.values_list("codename", flat=True)),
    }


def _memberships(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    rows = Membership.objects.filter(user=user).select_related("tenant").order_by("created_at")
    if tenant is not None:
        rows = rows.filter(tenant=tenant)
    return [
        {
            "tenant_id": m.tenant.slug,
            "tenant_name": m.tenant.name,
            "is_active": m.is_active,
            "is_admin": m.is_admin,
            "created_at": m.created_at,
        }
        for m in rows
    ]


def _roles(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    rows = RoleAssignment.objects.filter(Q(membership__user=user) | Q(granted_by=user))
    if tenant is not None:
        rows = rows.filter(membership__tenant=tenant)
    return [
        {
            "tenant_id": a.membership.tenant.slug,
            "role": a.role.slug,
            "held_by_you": a.membership.user_id == user.pk,
            "granted_by_you": a.granted_by_id == user.pk,
            "expires_at": a.expires_at,
            "created_at": a.created_at,
        }
        for a in rows.select_related("role", "membership__tenant").order_by("created_at")
    ]


def _roles_erase(user: User) -> None:
    # Assignments held go with the memberships; grants made by the person lose the link.
    RoleAssignment.objects.filter(granted_by=user).update(granted_by=None)


def _reset_tokens(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    rows = PasswordResetToken.objects.filter(user=user).select_related("tenant")
    if tenant is not None:
        rows = rows.filter(tenant=tenant)
    return [
        {
            "tenant_id": t.tenant.slug,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "used_at": t.used_at,
        }
        for t in rows.order_by("created_at")
    ]


def _mfa(user: User, tenant: Tenant | None) -> dict[str, Any]:
    return mfa_export_for_user(user)


def _audit(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    rows = AuditEvent.objects.filter(Q(user=user) | Q(actor=user)).select_related("tenant")
    if tenant is not None:
        rows = rows.filter(tenant=tenant)
    return [
        {
            "created_at": e.created_at,
            "tenant_id": e.tenant.slug if e.tenant else None,
            "event_type": e.event_type,
            "as": "subject" if e.user_id == user.pk else "actor",
            "email": e.email if e.user_id == user.pk else e.actor_email,
            "ip": e.ip,
            "user_agent": e.user_agent,
            "success": e.success,
            "factor": e.factor,
            "details": e.details,
        }
        for e in rows.order_by("created_at", "id")[:10_000]
    ]


def _oauth(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    # Linked identities belong to the person, whatever tenant they sign in at: listed in every export.
    return [
        {
            "id": i.pk,
            "provider": i.provider,
            "subject": i.subject,
            "email": i.email,
            "email_verified": i.email_verified,
            "name": i.name,
            "avatar_url": i.avatar_url,
            "created_at": i.created_at,
            "last_login_at": i.last_login_at,
        }
        for i in OAuthIdentity.objects.filter(user=user).order_by("provider")
    ]


def _oauth_erase(user: User) -> None:
    OAuthIdentity.objects.filter(user=user).delete()
    OAuthFlow.objects.filter(link_user=user).delete()


def _admin_log(user: User, tenant: Tenant | None) -> list[dict[str, Any]]:
    if tenant is not None:  # platform staff actions belong to no tenant
        return []
    return [
        {"action_time": e.action_time, "object_repr": e.object_repr, "change_message": e.get_change_message()}
        for e in LogEntry.objects.filter(user=user).order_by("action_time")
    ]


def _nothing(user: User) -> None:
    return None


def _delete(queryset_of: Callable[[User], Any]) -> Eraser:
    def erase(user: User) -> None:
        queryset_of(user).delete()

    return erase


# The inventory is read by people (GET /gdpr/inventory): its labels are French, like the product.
KEEP_UNTIL_ERASED = "tant que le compte existe"
CONTRACT = "exécution du contrat (RGPD art. 6(1)(b))"
LEGITIMATE = "intérêt légitime : sécurité (RGPD art. 6(1)(f))"
LEGAL = "obligation légale et intérêt légitime : traçabilité (RGPD art. 6(1)(c), (f))"

PUBLIC_SOURCES: tuple[Source, ...] = (
    Source(
        key="user",
        category="Identité et coordonnées",
        models=("accounts.User", "accounts.User_groups", "accounts.User_user_permissions"),
        fields=("e-mail", "prénom", "nom", "téléphone", "mot de passe (empreinte)", "dernière connexion"),
        purpose="Connexion et gestion du compte",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=CONTRACT,
        export=_profile,
        erase=_nothing,  # the row is deleted last, by services.gdpr_delete
    ),
    Source(
        key="memberships",
        category="Appartenance aux organisations",
        models=("accounts.Membership",),
        fields=("organisation", "actif", "administrateur", "date d'ajout"),
        purpose="Accès à chaque organisation",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=CONTRACT,
        export=_memberships,
        erase=_delete(lambda u: Membership.objects.filter(user=u)),
    ),
    Source(
        key="roles",
        category="Rôles et permissions",
        models=("rbac.RoleAssignment",),
        fields=("rôle", "expiration", "attribué par"),
        purpose="Autorisations",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=CONTRACT,
        export=_roles,
        erase=_roles_erase,
    ),
    Source(
        key="password_reset_tokens",
        category="Réinitialisations de mot de passe",
        models=("accounts.PasswordResetToken",),
        fields=("demandée le", "expire le", "utilisée le"),
        purpose="Récupération du compte",
        retention="valable 15 minutes ; conservée jusqu'à l'effacement",
        legal_basis=CONTRACT,
        export=_reset_tokens,
        erase=_delete(lambda u: PasswordResetToken.objects.filter(user=u)),
        anonymize=_delete(lambda u: PasswordResetToken.objects.filter(user=u)),
    ),
    Source(
        key="mfa",
        category="Second facteur",
        models=("mfa.TOTPDevice", "mfa.RecoveryCode"),
        fields=(
            "nom de l'appareil",
            "confirmé",
            "dernière utilisation",
            "nombre de codes de secours (jamais les secrets)",
        ),
        purpose="Authentification à deux facteurs",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=LEGITIMATE,
        export=_mfa,
        erase=mfa_delete_for_user,
        anonymize=mfa_delete_for_user,
    ),
    Source(
        key="oauth_accounts",
        category="Comptes de connexion liés (Google, GitHub)",
        models=("oauth.OAuthIdentity", "oauth.OAuthFlow"),
        fields=("fournisseur", "identifiant chez le fournisseur", "e-mail", "nom", "URL de l'avatar"),
        purpose="Connexion par un fournisseur externe",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=CONTRACT,
        export=_oauth,
        erase=_oauth_erase,
        anonymize=_oauth_erase,
    ),
    Source(
        key="audit_logs",
        category="Journal d'audit de sécurité",
        models=("audit.AuditEvent",),
        fields=(
            "événement",
            "e-mail au moment de l'événement",
            "adresse IP",
            "navigateur (user agent)",
            "date",
        ),
        purpose="Sécurité et traçabilité",
        retention="conservé ; pseudonymisé à l'effacement (le lien et l'e-mail sont remplacés)",
        legal_basis=LEGAL,
        export=_audit,
        erase=_nothing,  # pseudonymised by services (the table is append-only)
    ),
    Source(
        key="admin_log",
        category="Journal d'administration de la plateforme",
        models=("admin.LogEntry",),
        fields=("date", "objet", "modification"),
        purpose="Traçabilité des actions des opérateurs de la plateforme",
        retention=KEEP_UNTIL_ERASED,
        legal_basis=LEGAL,
        export=_admin_log,
        erase=_delete(lambda u: LogEntry.objects.filter(user=u)),
    ),
)


TENANT_SOURCES: tuple[Source, ...] = (
    Source(
        key="sessions",
        category="Sessions de connexion",
        models=("user_sessions.UserSession", "user_sessions.RefreshToken"),
        fields=(
            "adresse IP",
            "navigateur (user agent)",
            "appareil",
            "dates d'ouverture, de dernière activité et de fin",
        ),
        purpose="Vous garder connecté ; afficher et fermer vos sessions",
        retention="30 jours au plus après la dernière utilisation ; conservées jusqu'à l'effacement",
        legal_basis=CONTRACT,
        export=sessions_export,
        erase=sessions_erase,
        anonymize=sessions_anonymize,
        per_tenant=True,
    ),
    Source(
        key="mfa_challenges",
        category="Étapes de connexion par second facteur",
        models=("user_sessions.MfaChallenge",),
        fields=("adresse IP", "navigateur (user agent)", "dates"),
        purpose="Terminer une connexion avec un second facteur",
        retention="valable 5 minutes ; conservée jusqu'à l'effacement",
        legal_basis=LEGITIMATE,
        export=mfa_challenges_export,
        erase=mfa_challenges_erase,
        anonymize=mfa_challenges_erase,
        per_tenant=True,
    ),
    Source(
        key="api_keys",
        category="Clés d'API et leur utilisation",
        models=("apikeys.ApiKey", "apikeys.ApiKeyUsage"),
        fields=("nom", "préfixe", "portées", "dates", "par requête : point d'accès, adresse IP, durée"),
        purpose="Accès programmatique en votre nom ; détection des abus",
        retention="conservées jusqu'à la suppression de la clé ou l'effacement du compte",
        legal_basis=CONTRACT,
        export=api_keys_export,
        erase=api_keys_erase,
        anonymize=api_keys_anonymize,
        per_tenant=True,
    ),
)


def tenant_sources() -> tuple[Source, ...]:
    return TENANT_SOURCES


def all_sources() -> tuple[Source, ...]:
    return PUBLIC_SOURCES + TENANT_SOURCES
