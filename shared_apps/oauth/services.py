"""The OAuth flows: start (authorize or link), the callback at the tenant, registration, unlink.

The flow, end to end: the tenant's front asks /oauth/{provider}/authorize with the URL to come back to
(checked against the tenant's own domains); the provider sends the browser to the single callback host
(views.OAuthBounceView), which forwards code and state to that return URL; the front then calls
/oauth/{provider}/callback at its tenant, which consumes the state once, exchanges the code with the PKCE
verifier and signs the person in. A state minted for tenant A is refused at tenant B.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from authlib.common.security import generate_token
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from shared_apps.accounts.models import Membership, User
from shared_apps.accounts.services import member_create
from shared_apps.audit.models import EventType, Factor
from shared_apps.audit.services import audit_record
from shared_apps.authn.services import TokenPair, login_complete
from shared_apps.core import crypto
from shared_apps.core.context import request_context
from shared_apps.core.exceptions import Conflict, PermissionDenied, ValidationFailed
from shared_apps.mfa.selectors import user_has_mfa
from shared_apps.tenants.models import Domain, Tenant
from tenant_apps.sessions.services import mfa_challenge_issue

from .models import FlowPurpose, OAuthFlow, OAuthIdentity
from .providers import Profile, authorization_url, profile_fetch, provider_config

STATE_SALT = "massacorp.oauth.state"
REGISTRATION_SALT = "massacorp.oauth.registration"
EVENT_LINKED = EventType.OAUTH_LINKED
EVENT_UNLINKED = EventType.OAUTH_UNLINKED


class InvalidState(ValidationFailed):
    default_code = "oauth_invalid_state"


@dataclass(frozen=True)
class CallbackResult:
    provider: str
    profile: Profile
    tokens: TokenPair | None = None
    mfa_session_token: str | None = None
    requires_registration: bool = False
    oauth_session_token: str | None = None
    linked: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def _return_url_checked(*, tenant: Tenant, url: str) -> str:
    parts = urlsplit(url)
    insecure_ok = parts.scheme == "http" and settings.OAUTH_ALLOW_HTTP_RETURN_URLS
    if (
        (parts.scheme != "https" and not insecure_ok)
        or not parts.hostname
        or parts.username
        or parts.password
    ):
        raise ValidationFailed(
            "redirect_uri doit être une URL https de cette organisation.", code="invalid_redirect_uri"
        )
    if not Domain.objects.filter(tenant=tenant, domain__iexact=parts.hostname).exists():
        raise ValidationFailed(
            "redirect_uri n'est pas sur un domaine de cette organisation.", code="invalid_redirect_uri"
        )
    return url


@transaction.atomic
def oauth_flow_start(
    *, tenant: Tenant, provider: str, return_url: str, purpose: str, link_user: User | None = None
) -> tuple[str, str]:
    """(the provider's authorization URL, the state)."""
    provider_config(provider)  # 404 for an unknown or unconfigured provider
    # Housekeeping without a job: flows a day past their expiry are of no use, even to an investigation.
    OAuthFlow.objects.filter(expires_at__lt=timezone.now() - timedelta(days=1)).delete()
    verifier = generate_token(64)
    nonce = secrets.token_urlsafe(24)
    OAuthFlow.objects.create(
        nonce=nonce,
        tenant=tenant,
        provider=provider,
        purpose=purpose,
        link_user=link_user,
        encrypted_code_verifier=crypto.encrypt(verifier),
        return_url=_return_url_checked(tenant=tenant, url=return_url),
        expires_at=timezone.now() + timedelta(seconds=int(settings.OAUTH_STATE_MAX_AGE_SECONDS)),
    )
    state = signing.dumps({"n": nonce, "t": tenant.slug, "p": provider}, salt=STATE_SALT)
    return authorization_url(provider=provider, state=state, code_verifier=verifier), state


def state_read(state: str) -> dict[str, str]:
    """The signed content of a state, or InvalidState (tampered, foreign or expired)."""
    try:
        data = signing.loads(state, salt=STATE_SALT, max_age=int(settings.OAUTH_STATE_MAX_AGE_SECONDS))
    except signing.BadSignature as error:  # SignatureExpired is a BadSignature
        raise InvalidState("La demande de connexion est invalide ou a expiré ; recommencez.") from error
    if not isinstance(data, dict) or not {"n", "t", "p"} <= set(data):
        raise InvalidState("La demande de connexion est invalide ; recommencez.")
    return data


def flow_pending(*, state: str, provider: str) -> OAuthFlow:
    """The flow a state refers to, unused and unexpired (read only: the bounce view forwards it)."""
    data = state_read(state)
    flow = OAuthFlow.objects.filter(nonce=data["n"], provider=provider, used_at__isnull=True).first()
    if flow is None or data["p"] != provider or flow.expires_at <= timezone.now():
        raise InvalidState("La demande de connexion est invalide ou a déjà servi ; recommencez.")
    return flow


@transaction.atomic
def _flow_consume(*, tenant: Tenant, provider: str, state: str) -> OAuthFlow:
    data = state_read(state)
    if data["t"] != tenant.slug:
        raise InvalidState(
            "Cette connexion a été commencée dans une autre organisation.", code="oauth_tenant_mismatch"
        )
    flow = OAuthFlow.objects.select_for_update().filter(nonce=data["n"], tenant=tenant).first()
    if flow is None or flow.provider != provider or data["p"] != provider:
        raise InvalidState("La demande de connexion est invalide ; recommencez.")
    if flow.used_at is not None:
        raise InvalidState("Cette demande de connexion a déjà servi ; recommencez.", code="oauth_state_used")
    if flow.expires_at <= timezone.now():
        raise InvalidState("La demande de connexion a expiré ; recommencez.")
    flow.used_at = timezone.now()
    flow.save(update_fields=["used_at"])
    return flow


def oauth_callback(*, tenant: Tenant, provider: str, code: str, state: str) -> CallbackResult:
    # Consumed in its own committed transaction first: a failed exchange must not make the state reusable.
    flow = _flow_consume(tenant=tenant, provider=provider, state=state)
    profile = profile_fetch(
        provider=provider, code=code, code_verifier=crypto.decrypt(flow.encrypted_code_verifier)
    )
    if flow.purpose == FlowPurpose.LINK:
        assert flow.link_user is not None
        _identity_link(user=flow.link_user, provider=provider, profile=profile, tenant=tenant)
        return CallbackResult(provider=provider, profile=profile, linked=True)
    return _sign_in(tenant=tenant, provider=provider, profile=profile)


def _sign_in(*, tenant: Tenant, provider: str, profile: Profile) -> CallbackResult:
    identity = (
        OAuthIdentity.objects.select_related("user")
        .filter(provider=provider, subject=profile.subject)
        .first()
    )
    if identity is None:
        identity = _link_by_verified_email(tenant=tenant, provider=provider, profile=profile)
    if identity is None:
        # A new person only with an address the provider vouches for. Otherwise anyone could create an
        # account on someone else's address through a provider that does not check it (pre-account
        # hijacking: the owner later "recovers" it by a password reset while the provider link stays
        # the squatter's), and learn from the answer whether the address has an account here.
        if not (profile.email and profile.email_verified):
            raise ValidationFailed(
                "Le fournisseur n'a pas confirmé cette adresse e-mail : confirmez-la chez lui, ou "
                "inscrivez-vous avec un mot de passe.",
                code="oauth_email_unverified",
            )
        if User.objects.filter(email__lower=profile.email.lower()).exists():
            raise Conflict(
                "Un compte existe avec cette adresse e-mail : connectez-vous avec, puis liez ce fournisseur.",
                code="oauth_account_exists",
            )
        if tenant.setting("allow_self_signup") is not True:
            raise PermissionDenied("L'inscription libre n'est pas ouverte ici.", code="self_signup_disabled")
        token = signing.dumps(
            {"t": tenant.slug, "p": provider, **profile.__dict__}, salt=REGISTRATION_SALT, compress=True
        )
        return CallbackResult(
            provider=provider, profile=profile, requires_registration=True, oauth_session_token=token
        )
    return _login(tenant=tenant, identity=identity, profile=profile)


def _link_by_verified_email(*, tenant: Tenant, provider: str, profile: Profile) -> OAuthIdentity | None:
    """Link to an existing member by e-mail only where the provider vouches for the address and the tenant
    opted in (`oauth_link_verified_email`). Never on an unverified address."""
    if not (profile.email and profile.email_verified and tenant.setting("oauth_link_verified_email") is True):
        return None
    user = User.objects.filter(email__lower=profile.email.lower(), memberships__tenant=tenant).first()
    if user is None:
        return None
    return _identity_link(user=user, provider=provider, profile=profile, tenant=tenant)


def _login(*, tenant: Tenant, identity: OAuthIdentity, profile: Profile) -> CallbackResult:
    user = identity.user
    if not user.is_active or not Membership.objects.filter(user=user, tenant=tenant, is_active=True).exists():
        raise PermissionDenied(
            "Ce compte ne peut pas se connecter à cette organisation.", code="not_a_member"
        )
    OAuthIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
    if user_has_mfa(user):
        context = request_context()
        token, _ = mfa_challenge_issue(user=user, ip=context.ip or None, user_agent=context.user_agent)
        return CallbackResult(provider=identity.provider, profile=profile, mfa_session_token=token)
    tokens = login_complete(tenant=tenant, user=user, factor=Factor.OAUTH)
    return CallbackResult(provider=identity.provider, profile=profile, tokens=tokens)


@transaction.atomic
def _identity_link(*, user: User, provider: str, profile: Profile, tenant: Tenant) -> OAuthIdentity:
    taken = (
        OAuthIdentity.objects.filter(provider=provider, subject=profile.subject).exclude(user=user).exists()
    )
    if taken:
        raise Conflict("Ce compte du fournisseur est lié à un autre compte.", code="oauth_identity_taken")
    try:
        with transaction.atomic():
            identity, _ = OAuthIdentity.objects.update_or_create(
                user=user,
                provider=provider,
                defaults={
                    "subject": profile.subject,
                    "email": profile.email,
                    "email_verified": profile.email_verified,
                    "name": profile.name[:200],
                    "avatar_url": profile.avatar_url[:500],
                },
            )
    except IntegrityError as error:
        raise Conflict(
            "Ce compte du fournisseur est lié à un autre compte.", code="oauth_identity_taken"
        ) from error
    audit_record(
        event_type=EVENT_LINKED,
        tenant=tenant,
        user=user,
        factor=Factor.OAUTH,
        details={"provider": provider},
    )
    return identity


@transaction.atomic
def oauth_complete_registration(*, tenant: Tenant, token: str, first_name: str, last_name: str) -> TokenPair:
    try:
        data = signing.loads(token, salt=REGISTRATION_SALT, max_age=int(settings.OAUTH_STATE_MAX_AGE_SECONDS))
    except signing.BadSignature as error:
        raise InvalidState("La demande d'inscription est invalide ou a expiré ; recommencez.") from error
    if data.get("t") != tenant.slug:
        raise InvalidState(
            "Cette inscription a été commencée dans une autre organisation.", code="oauth_tenant_mismatch"
        )
    if tenant.setting("allow_self_signup") is not True:
        raise PermissionDenied("L'inscription libre n'est pas ouverte ici.", code="self_signup_disabled")
    if not data.get("email"):
        raise ValidationFailed("Le fournisseur n'a donné aucune adresse e-mail.", code="oauth_email_missing")
    if data.get("email_verified") is not True:  # _sign_in issues none for one; a token of an older release
        raise ValidationFailed(
            "Le fournisseur n'a pas confirmé cette adresse e-mail.", code="oauth_email_unverified"
        )
    profile = Profile(**{k: data[k] for k in ("subject", "email", "email_verified", "name", "avatar_url")})
    membership = member_create(
        tenant=tenant,
        email=profile.email,
        password=None,  # signs in through the provider; a password can be set later by a reset
        first_name=first_name,
        last_name=last_name,
        is_verified=profile.email_verified,
    )
    _identity_link(user=membership.user, provider=data["p"], profile=profile, tenant=tenant)
    return login_complete(tenant=tenant, user=membership.user, factor=Factor.OAUTH)


@transaction.atomic
def oauth_unlink(*, tenant: Tenant, user: User, provider: str) -> None:
    identity = OAuthIdentity.objects.select_for_update().filter(user=user, provider=provider).first()
    if identity is None:
        raise ValidationFailed("Aucun compte lié de ce type.", code="oauth_not_linked")
    others = OAuthIdentity.objects.filter(user=user).exclude(pk=identity.pk).exists()
    if not user.has_usable_password() and not others:
        raise Conflict(
            "C'est votre seul moyen de connexion : définissez d'abord un "
            "mot de passe ou liez un autre fournisseur.",
            code="oauth_last_sign_in_method",
        )
    identity.delete()
    audit_record(event_type=EVENT_UNLINKED, tenant=tenant, user=user, details={"provider": provider})
