"""`Authorization: Api-Key <key>` or `X-API-Key: <key>`; never a key in the query string.

A query string that carries a key (a parameter named like one, or any value shaped like one) is a 400 and
the key is not honoured: query strings end up in logs, proxies and browser history. The key is checked in
the routed tenant's schema only, so a key of tenant A is unknown at tenant B (and its prefix names A,
which is refused before any lookup): a 401 either way, the same answer as for any invalid key.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from shared_apps.accounts.models import User
from shared_apps.core.exceptions import ValidationFailed
from shared_apps.rbac.principal import Principal, principal_bind
from shared_apps.tenants.current import request_tenant_or_none

from .keys import KEY_PATTERN
from .selectors import api_key_principal

logger = logging.getLogger(__name__)

KEYWORD = "api-key"
QUERY_NAMES = frozenset({"api_key", "apikey", "api-key", "x-api-key", "key"})


def _refuse_query_string(request: Request) -> None:
    params = request.query_params
    if any(name.lower() in QUERY_NAMES for name in params) or any(
        KEY_PATTERN.search(value) for values in params.lists() for value in values[1]
    ):
        raise ValidationFailed(
            "Les clés d'API sont acceptées uniquement dans l'en-tête "
            "Authorization ou X-API-Key, jamais dans l'URL.",
            code="api_key_in_query_string",
        )


def _presented(request: Request) -> str | None:
    parts = get_authorization_header(request).split()
    if parts and parts[0].lower() == KEYWORD.encode():
        if len(parts) != 2:
            raise AuthenticationFailed("Clé d'API invalide.", code="invalid_api_key")
        return parts[1].decode("latin-1")
    header = request.META.get("HTTP_X_API_KEY", "").strip()
    return header or None


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[User, Principal] | None:
        _refuse_query_string(request)
        raw = _presented(request)
        if raw is None:
            return None
        tenant = request_tenant_or_none(request)
        principal = api_key_principal(tenant=tenant, raw_key=raw, now=timezone.now()) if tenant else None
        if principal is None:
            logger.info("API key refused at %s", getattr(tenant, "slug", "-"))
            raise AuthenticationFailed("Clé d'API invalide.", code="invalid_api_key")
        # ApiKeyUsageMiddleware records the call from this principal once the response is out.
        principal_bind(principal)
        return principal.user, principal

    def authenticate_header(self, request: Request) -> str:
        # The first authenticator names the challenge of a 401: offer both ways in.
        return 'Bearer realm="api", Api-Key realm="api"'

    def __repr__(self, *args: Any) -> str:
        return "ApiKeyAuthentication"
