"""The providers' endpoints and how to read a profile from each, through Authlib's httpx OAuth2Client.

Why Authlib: this is a JSON API without templates or Django sessions, and the flow state lives in our own
table (OAuthFlow). Authlib's OAuth2Client gives exactly the protocol parts (authorization URL with PKCE
S256, the code exchange with the verifier, a bearer-authenticated client) and nothing else. django-allauth
(headless) would bring its own account model, e-mail handling and flows to reconcile with ours;
social-auth-app-django keeps its pipeline state in the Django session.

Endpoints come from settings.OAUTH_PROVIDERS, so tests point them at a fake provider on loopback.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc6749.errors import OAuth2Error
from django.conf import settings

from shared_apps.core.exceptions import ApplicationError, NotFound

from .models import Provider

DISPLAY = {
    Provider.GOOGLE: {"name": "Google", "icon": "google", "color": "#4285F4"},
    Provider.GITHUB: {"name": "GitHub", "icon": "github", "color": "#24292F"},
}


class ProviderUnavailable(ApplicationError):
    status_code = 502
    default_code = "oauth_provider_error"


@dataclass(frozen=True)
class Profile:
    subject: str
    email: str
    email_verified: bool
    name: str
    avatar_url: str


def provider_config(provider: str) -> dict[str, Any]:
    config = settings.OAUTH_PROVIDERS.get(provider)
    if provider not in Provider.values or not config or not config.get("client_id"):
        raise NotFound("Ce fournisseur de connexion n'est pas disponible.", code="oauth_provider_unknown")
    return dict(config)


def provider_enabled(provider: str) -> bool:
    config = settings.OAUTH_PROVIDERS.get(provider) or {}
    return bool(config.get("client_id") and config.get("client_secret"))


def callback_url(provider: str) -> str:
    """The one redirect URI registered at each provider, for every tenant."""
    return f"{settings.OAUTH_CALLBACK_BASE_URL.rstrip('/')}/{provider}"


def _client(provider: str, config: dict[str, Any]) -> OAuth2Client:
    return OAuth2Client(
        client_id=config["client_id"],
        client_secret=config["client_secret"],
        scope=config["scope"],
        redirect_uri=callback_url(provider),
        code_challenge_method="S256",
        timeout=float(settings.OAUTH_HTTP_TIMEOUT_SECONDS),
    )


def authorization_url(*, provider: str, state: str, code_verifier: str) -> str:
    config = provider_config(provider)
    with _client(provider, config) as client:
        url, _ = client.create_authorization_url(
            config["authorize_url"], state=state, code_verifier=code_verifier
        )
    return str(url)


def profile_fetch(*, provider: str, code: str, code_verifier: str) -> Profile:
    """Exchange the code (with the PKCE verifier) and read the profile. The provider's tokens are dropped."""
    config = provider_config(provider)
    try:
        with _client(provider, config) as client:
            client.fetch_token(config["token_url"], code=code, code_verifier=code_verifier)
            info = _json(client.get(config["userinfo_url"]))
            if provider == Provider.GITHUB:
                return _github(info, _json(client.get(config["emails_url"])))
            return _oidc(info)
    except (OAuth2Error, OAuthError) as error:  # invalid_grant: a used, foreign or forged code
        raise ApplicationError(
            "Le fournisseur a refusé la connexion ; recommencez.", code="oauth_code_rejected"
        ) from error
    except (httpx2.HTTPError, OSError, ValueError, KeyError) as error:  # network, bad JSON, no subject
        raise ProviderUnavailable(
            "Le fournisseur de connexion est injoignable ou a répondu de façon inattendue."
        ) from error


def _json(response: httpx2.Response) -> Any:
    response.raise_for_status()
    return response.json()


def _oidc(info: dict[str, Any]) -> Profile:
    return Profile(
        subject=str(info["sub"]),
        email=str(info.get("email") or ""),
        email_verified=info.get("email_verified") is True,
        name=str(info.get("name") or ""),
        avatar_url=str(info.get("picture") or ""),
    )


def _github(info: dict[str, Any], emails: list[dict[str, Any]]) -> Profile:
    primary = next((e for e in emails if e.get("primary")), None) or {}
    return Profile(
        subject=str(info["id"]),
        email=str(primary.get("email") or ""),
        email_verified=primary.get("verified") is True,
        name=str(info.get("name") or info.get("login") or ""),
        avatar_url=str(info.get("avatar_url") or ""),
    )
