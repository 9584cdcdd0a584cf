"""The key format: `mc_<tenant slug>_<8 random>_<44 random>`, base-62 random parts.

A tenant slug is lowercase letters, digits and hyphens (never `_`), so the four parts split on `_`
unambiguously. `mc_` plus the shape is what secret scanners match (KEY_PATTERN).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
from dataclasses import dataclass

ALPHABET = string.ascii_letters + string.digits
PREFIX_RANDOM_LENGTH = 8
SECRET_LENGTH = 44  # 44 * log2(62) = 262 bits
KEY_PATTERN = re.compile(
    rf"mc_[a-z][a-z0-9-]{{0,39}}_[A-Za-z0-9]{{{PREFIX_RANDOM_LENGTH}}}_[A-Za-z0-9]{{{SECRET_LENGTH}}}"
)
_FULL = re.compile(rf"^(mc_([a-z][a-z0-9-]{{0,39}})_[A-Za-z0-9]{{{PREFIX_RANDOM_LENGTH}}})_[A-Za-z0-9]+$")


@dataclass(frozen=True)
class ParsedKey:
    tenant_slug: str
    prefix: str


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def key_new(*, tenant_slug: str) -> tuple[str, str]:
    """(the raw key, its prefix)."""
    prefix = f"mc_{tenant_slug}_{_random(PREFIX_RANDOM_LENGTH)}"
    return f"{prefix}_{_random(SECRET_LENGTH)}", prefix


def key_parse(raw: str) -> ParsedKey | None:
    match = _FULL.match(raw)
    if match is None or len(raw) > 200:
        return None
    return ParsedKey(tenant_slug=match[2], prefix=match[1])


def key_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
