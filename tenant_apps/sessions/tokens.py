"""The access-token codec (a JWT, HS256 pinned, keys with a `kid`) and the opaque secrets we store hashed.

simplejwt's TokenBackend cannot put a `kid` in the header nor pick the verifying key by it, so the codec
calls PyJWT (simplejwt's own dependency) directly. Keys come from settings.JWT_SIGNING_KEYS, "kid:secret"
pairs: the first signs, every listed one verifies, so a retired key keeps its tokens valid until they
expire (15 minutes at most) and is then removed. An unknown kid, another algorithm (`none` included), a
wrong issuer or audience, or a missing claim is rejected.
"""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import jwt
from django.conf import settings
from django.utils import timezone

ALGORITHM = "HS256"
TOKEN_TYPE_ACCESS = "access"  # noqa: S105 - the `typ` claim
REQUIRED_CLAIMS = ["iss", "aud", "sub", "tid", "sid", "jti", "typ", "iat", "exp", "auth_time"]
# The optional `scope` claim restricts a token; "mfa_setup" = the tenant requires MFA and the member has
# none yet, so only MFA set-up (views marked `allowed_during_mfa_setup`) is open to it.
SCOPE_MFA_SETUP = "mfa_setup"
LEEWAY_SECONDS = 5
# Access tokens remembered as verified (`_verified`): about one per session active in the last minutes.
VERIFIED_TOKENS_KEPT = 4096


class InvalidToken(Exception):
    """The token is not one we issued for this use, or it has expired."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    tenant: str
    session_id: uuid.UUID
    jti: str
    auth_time: int
    expires_at: int
    scope: str | None = None


@lru_cache(maxsize=8)
def _parse_keys(raw: tuple[str, ...]) -> tuple[tuple[str, str], dict[str, str]]:
    pairs: list[tuple[str, str]] = []
    for item in raw:
        kid, sep, secret = item.partition(":")
        if not sep or not kid or not secret:
            raise ValueError("each JWT_SIGNING_KEYS entry must be 'kid:secret'")
        pairs.append((kid, secret))
    if not pairs:
        raise ValueError("JWT_SIGNING_KEYS is empty")
    return pairs[0], dict(pairs)


def _keys() -> tuple[tuple[str, str], dict[str, str]]:
    return _parse_keys(tuple(settings.JWT_SIGNING_KEYS))


def access_token_lifetime() -> int:
    return min(int(settings.JWT_ACCESS_TOKEN_LIFETIME_SECONDS), 900)


def access_token_encode(
    *,
    user_id: uuid.UUID,
    tenant: str,
    session_id: uuid.UUID,
    auth_time: datetime,
    not_after: datetime | None = None,
    now: datetime | None = None,
    scope: str | None = None,
) -> tuple[str, int]:
    """A signed access token and its lifetime in seconds; never outliving `not_after` (the session's end)."""
    now = now or timezone.now()
    expires = now + timedelta(seconds=access_token_lifetime())
    if not_after is not None and not_after < expires:
        expires = not_after
    (kid, secret), _ = _keys()
    payload = {
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
        "sub": str(user_id),
        "tid": tenant,
        "sid": str(session_id),
        "jti": secrets.token_urlsafe(16),
        "typ": TOKEN_TYPE_ACCESS,
        "iat": int(now.timestamp()),
        "exp": int(expires.timestamp()),
        "auth_time": int(auth_time.timestamp()),
    }
    if scope:
        payload["scope"] = scope
    token = jwt.encode(payload, secret, algorithm=ALGORITHM, headers={"kid": kid})
    return token, max(0, int((expires - now).total_seconds()))


def access_token_decode(token: str) -> AccessClaims:
    """The claims of a valid access token of ours, or InvalidToken.

    A token's signature, key, algorithm, issuer, audience and claims are a pure function of its bytes and of
    the key set, so a token verified once is remembered by exactly those (`_verified`); only what depends on
    the time, its expiry, is checked again on every call. A failure is never remembered.
    """
    settings_now = (tuple(settings.JWT_SIGNING_KEYS), settings.JWT_ISSUER, settings.JWT_AUDIENCE)
    claims = _verified(token, *settings_now)
    if claims.expires_at <= time.time() - LEEWAY_SECONDS:  # PyJWT's own rule, with the same leeway
        raise InvalidToken("Signature has expired")
    return claims


@lru_cache(maxsize=VERIFIED_TOKENS_KEPT)
def _verified(token: str, signing_keys: tuple[str, ...], issuer: str, audience: str) -> AccessClaims:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise InvalidToken("malformed token") from error
    if header.get("alg") != ALGORITHM:
        raise InvalidToken("unexpected algorithm")
    _, verifying = _parse_keys(signing_keys)
    secret = verifying.get(str(header.get("kid", "")))
    if secret is None:
        raise InvalidToken("unknown key id")
    try:
        payload = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.PyJWTError as error:
        raise InvalidToken(str(error)) from error
    if payload.get("typ") != TOKEN_TYPE_ACCESS:
        raise InvalidToken("not an access token")
    try:
        return AccessClaims(
            user_id=uuid.UUID(str(payload["sub"])),
            tenant=str(payload["tid"]),
            session_id=uuid.UUID(str(payload["sid"])),
            jti=str(payload["jti"]),
            auth_time=int(payload["auth_time"]),
            expires_at=int(payload["exp"]),
            scope=str(payload["scope"]) if payload.get("scope") is not None else None,
        )
    except (ValueError, TypeError) as error:
        raise InvalidToken("malformed claims") from error


def opaque_secret() -> str:
    """An unguessable bearer secret: 384 random bits, URL-safe."""
    return secrets.token_urlsafe(48)


def secret_digest(secret: str) -> str:
    """What we store and look up: SHA-256 suffices for a high-entropy secret (no stretching needed)."""
    return hashlib.sha256(secret.encode()).hexdigest()
