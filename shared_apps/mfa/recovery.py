"""Recovery codes: 10 per user, each 120 random bits, stored as SHA-256 digests.

Why SHA-256 and not a password hash: ASVS 6.5.2 asks for a salted, slow hash only for secrets under 112 bits
of entropy, where an offline search of a stolen table is feasible. At 120 bits no search is, and a plain
digest can be looked up by an index in one query, where ten Argon2 verifications per attempt would cost
about half a second of CPU and memory each time — itself a denial-of-service lever on a guessable endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

CODE_COUNT = 10
CODE_BYTES = 15  # 120 bits → 24 base32 characters
GROUP = 6


def code_new() -> str:
    """`abcdef-ghijkl-mnopqr-stuvwx`: lowercase RFC 4648 base32 (no 0, 1, 8 or 9 to mistake)."""
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii").lower()
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def codes_new() -> list[str]:
    return [code_new() for _ in range(CODE_COUNT)]


def normalise(code: str) -> str:
    """What the user typed, without case, spaces or dashes."""
    return "".join(ch for ch in code.lower() if ch not in "- \t\r\n")


def digest(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()
