"""The default CAPTCHA: a self-hosted proof-of-work challenge that needs no third party (works offline).

The server issues `challenge` = `<random>:<difficulty>:<expires>:<signature>`, signed with SECRET_KEY
(django.core.signing, so SECRET_KEY_FALLBACKS keep verifying during a key rotation). Nothing is stored at
issue time. The client searches a `nonce` (1 to 64 letters or digits) such that

    sha256(challenge + nonce) starts with `difficulty` zero bits

and sends the token `challenge + "." + nonce`. Verification checks the signature, the expiry and the work,
then marks the challenge used in the rate-limit backend until it expires (single use). At difficulty 18 a
browser needs about 2^18 SHA-256 evaluations (well under a second with WebCrypto); a bot pays the same for
every attempt, which is the point.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from itertools import count

from django.conf import settings
from django.core import signing

from shared_apps.ratelimit.backends import get_backend

SALT = "massacorp.captcha.pow"
TOKEN_MAX_LENGTH = 512
MAX_DIFFICULTY = 32
_NONCE_RE = re.compile(r"^[A-Za-z0-9]{1,64}$")


@dataclass(frozen=True)
class PowChallenge:
    challenge: str
    difficulty: int
    expires_in: int


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, algorithm="sha256")


def issue(*, difficulty: int | None = None, ttl_seconds: int | None = None) -> PowChallenge:
    difficulty = settings.CAPTCHA_POW_DIFFICULTY if difficulty is None else difficulty
    ttl_seconds = settings.CAPTCHA_POW_TTL_SECONDS if ttl_seconds is None else ttl_seconds
    if not 1 <= difficulty <= MAX_DIFFICULTY:
        raise ValueError(f"proof-of-work difficulty must be 1 to {MAX_DIFFICULTY} bits")
    expires = int(time.time()) + ttl_seconds
    challenge = _signer().sign(f"{secrets.token_urlsafe(16)}:{difficulty}:{expires}")
    return PowChallenge(challenge=challenge, difficulty=difficulty, expires_in=ttl_seconds)


def leading_zero_bits_ok(data: bytes, difficulty: int) -> bool:
    return int.from_bytes(hashlib.sha256(data).digest(), "big") >> (256 - difficulty) == 0


def solve(challenge: str, difficulty: int) -> str:
    """What a client does (reference implementation; tests use it)."""
    for nonce in count():
        if leading_zero_bits_ok(f"{challenge}{nonce}".encode(), difficulty):
            return str(nonce)
    raise AssertionError("unreachable")


def verify(token: str) -> bool:
    """True exactly once for a token that solves an unexpired challenge we signed."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return False
    challenge, _, nonce = token.rpartition(".")
    if not challenge or not _NONCE_RE.match(nonce):
        return False
    try:
        random_part, difficulty_text, expires_text = _signer().unsign(challenge).split(":")
        difficulty, expires = int(difficulty_text), int(expires_text)
    except (signing.BadSignature, ValueError):
        return False
    remaining = expires - time.time()
    if remaining <= 0 or not 1 <= difficulty <= MAX_DIFFICULTY:
        return False
    if not leading_zero_bits_ok(f"{challenge}{nonce}".encode(), difficulty):
        return False
    # Last, so that wrong answers do not burn the challenge: remember it as used until it expires.
    return get_backend().add(f"captcha:pow:{random_part}", int(remaining * 1000) + 1000)
