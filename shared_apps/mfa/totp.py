"""TOTP (RFC 6238) over django-otp's HOTP, the secret, the otpauth:// URI and its QR code.

Pure functions: no database. django-otp's `oath.hotp` computes the code; this module decides which time
steps count (the current and the previous one: a code typed in the last seconds of its step still works,
a code from the future never does) and compares in constant time.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import segno
from django_otp.oath import hotp

STEP_SECONDS = 30
DIGITS = 6
SECRET_BYTES = 20  # 160 bits: RFC 4226's recommended length, the SHA-1 block of HMAC-SHA1's output
STEPS_BACK = 1  # the previous step is accepted as well as the current one


def secret_new() -> str:
    """A fresh secret, base32 without padding (what authenticator apps take)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def secret_bytes(secret_b32: str) -> bytes:
    padded = secret_b32.upper() + "=" * (-len(secret_b32) % 8)
    return base64.b32decode(padded)


def step_at(unix_time: float) -> int:
    return int(unix_time) // STEP_SECONDS


def code_at(key: bytes, step: int, digits: int = DIGITS) -> str:
    return f"{hotp(key, step, digits=digits):0{digits}d}"


def normalise_code(code: str) -> str:
    return "".join(code.split())


def looks_like_totp(code: str) -> bool:
    code = normalise_code(code)
    return len(code) == DIGITS and code.isascii() and code.isdigit()


@dataclass(frozen=True)
class Match:
    step: int | None  # the step the code belongs to, when accepted
    replayed: bool  # the code is right but its step was already used


def match(key: bytes, code: str, *, last_step: int, now: float | None = None) -> Match:
    """Check `code` against the current and previous steps; a step <= `last_step` is a replay."""
    code = normalise_code(code)
    current = step_at(time.time() if now is None else now)
    accepted: int | None = None
    replayed = False
    # Both steps are always computed and compared, so the time taken says nothing about which matched.
    for step in range(current, current - STEPS_BACK - 1, -1):
        if hmac.compare_digest(code_at(key, step).encode(), code.encode()):
            if step > last_step and accepted is None:
                accepted = step
            elif step <= last_step:
                replayed = True
    return Match(step=accepted, replayed=replayed and accepted is None)


def provisioning_uri(*, secret_b32: str, issuer: str, account: str) -> str:
    """otpauth://totp/<issuer>:<account>?secret=…&issuer=… (Key Uri Format of Google Authenticator)."""
    issuer = issuer.replace(":", "").strip() or "MassaCorp"
    # A literal colon between issuer and account: some apps do not split on an encoded one.
    label = f"{quote(issuer, safe='')}:{quote(account, safe='@')}"
    params = urlencode(
        {
            "secret": secret_b32,
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": DIGITS,
            "period": STEP_SECONDS,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{params}"


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (segno: no image library, no network)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, border=2))
