"""Password policy (ASVS 5.0 V6.2) and Argon2id hashing with a per-process concurrency cap.

Policy: 12 to 128 characters (code points), no composition rules; rejected when the password is common
(Django's bundled list of 20 000), contains the e-mail's local part or the tenant's name, or appears in a
breach corpus (Have I Been Pwned's range API with k-anonymity: only the first 5 hex digits of the SHA-1
leave the process, with `Add-Padding` so that the answer's size says nothing either). HIBP is on by default
(HIBP_ENABLED) and fails open: when it is down or slower than HIBP_TIMEOUT_SECONDS the bundled list alone
decides, and a warning is logged.

Hashing: `CappedArgon2PasswordHasher` (first in PASSWORD_HASHERS) uses argon2id with OWASP's minimum
parameters m=19456 KiB (19 MiB), t=2, p=1 rather than Django's m=100 MiB, p=8: per-hash memory times the
number of concurrent hashes is what bounds a worker's memory under a login burst, and 19 MiB x
PASSWORD_HASH_CONCURRENCY (4) stays under 80 MiB. Every encode and verify waits for a slot
(`hashing_slot`): requests beyond the cap queue instead of multiplying memory. Hashes with other
parameters (Django's defaults) still verify and are re-hashed at the next login (`must_update`).
"""

from __future__ import annotations

import functools
import hashlib
import http.client
import logging
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.auth.password_validation import CommonPasswordValidator

from shared_apps.core.exceptions import ValidationFailed

logger = logging.getLogger("massacorp.passwords")

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128
CONTEXT_WORD_MIN_LENGTH = 3
HIBP_RESPONSE_MAX_BYTES = 1024 * 1024
HIBP_USER_AGENT = "MassaCorp-password-policy"

PROBLEM_MESSAGES = {
    "too_short": f"Le mot de passe doit comporter au moins {PASSWORD_MIN_LENGTH} caractères.",
    "too_long": f"Le mot de passe doit comporter au plus {PASSWORD_MAX_LENGTH} caractères.",
    "common": "Ce mot de passe est trop courant.",
    "contains_email": "Le mot de passe ne doit pas contenir votre adresse e-mail.",
    "contains_tenant_name": "Le mot de passe ne doit pas contenir le nom de l'organisation.",
    "breached": "Ce mot de passe figure dans une fuite de données connue ; choisissez-en un autre.",
}


# --- policy ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    # Django's list (django/contrib/auth/common-passwords.txt.gz), lower-cased by the validator.
    return frozenset(CommonPasswordValidator().passwords)


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Épicerie' and 'epicerie' compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _email_words(email: str) -> set[str]:
    local = _fold(email.strip()).rpartition("@")[0] if "@" in email else _fold(email.strip())
    words = {local, local.partition("+")[0]}  # with and without a sub-address (jane+shop@…)
    return {word for word in words if len(word) >= CONTEXT_WORD_MIN_LENGTH}


def _tenant_words(name: str) -> set[str]:
    folded = _fold(name.strip())
    words = {folded, "".join(ch for ch in folded if ch.isalnum())}  # 'Alpha Bistro' and 'alphabistro'
    return {word for word in words if len(word) >= CONTEXT_WORD_MIN_LENGTH}


def is_common_password(password: str) -> bool:
    return password.lower().strip() in _common_passwords()


def hibp_breach_count(password: str) -> int | None:
    """How often the password appears in HIBP's corpus (0: not found), or None when HIBP did not answer
    in time or answered nonsense. Sends only the first 5 hex digits of the SHA-1 (k-anonymity)."""
    digest = hashlib.sha1(password.encode(), usedforsecurity=False).hexdigest().upper()
    prefix, suffix = digest[:5], digest[5:]
    base = settings.HIBP_API_URL
    url = (base if base.endswith("/") else base + "/") + prefix
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"HIBP_API_URL must be http(s): {base!r}")
    timeout = float(settings.HIBP_TIMEOUT_SECONDS)
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url, headers={"Add-Padding": "true", "User-Agent": HIBP_USER_AGENT}
    )
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(16384):
                size += len(chunk)
                if time.monotonic() > deadline or size > HIBP_RESPONSE_MAX_BYTES:
                    raise TimeoutError("HIBP answer too slow or too large")
                chunks.append(chunk)
            if response.length:  # bytes announced by Content-Length that never came
                raise http.client.IncompleteRead(b"".join(chunks), response.length)
        body = b"".join(chunks).decode("ascii")
    except (OSError, ValueError, http.client.HTTPException) as error:  # URLError, timeouts, bad answers
        logger.warning("HIBP unavailable (%s); falling back to the bundled list only", type(error).__name__)
        return None
    entries = 0
    for line in body.splitlines():
        candidate, _, count = line.strip().partition(":")
        if len(candidate) != len(suffix) or not count.isdigit():
            continue
        entries += 1
        if candidate.upper() == suffix:
            return int(count)  # padding entries have a count of 0
    # A padded answer always lists hundreds of suffixes; none at all is not HIBP speaking (a proxy page?).
    return 0 if entries else None


def password_problems(
    password: str, *, email: str | None = None, tenant_name: str | None = None
) -> list[str]:
    """Every reason `password` is refused, as stable codes (keys of PROBLEM_MESSAGES); [] if acceptable.

    HIBP is asked only about a password that passes every local rule (no network call for a password that
    is refused anyway)."""
    problems: list[str] = []
    if len(password) < PASSWORD_MIN_LENGTH:
        problems.append("too_short")
    if len(password) > PASSWORD_MAX_LENGTH:
        problems.append("too_long")
        return problems  # nothing more to learn, and no work on arbitrarily long input
    if is_common_password(password):
        problems.append("common")
    folded = _fold(password)
    if email and any(word in folded for word in _email_words(email)):
        problems.append("contains_email")
    if tenant_name and any(word in folded for word in _tenant_words(tenant_name)):
        problems.append("contains_tenant_name")
    if not problems and settings.HIBP_ENABLED and hibp_breach_count(password):
        problems.append("breached")
    return problems


def validate_password_policy(
    password: str, *, email: str | None = None, tenant_name: str | None = None
) -> None:
    """Raise ValidationFailed(code="weak_password", details={"problems": [codes]}) unless acceptable."""
    problems = password_problems(password, email=email, tenant_name=tenant_name)
    if problems:
        raise ValidationFailed(
            " ".join(PROBLEM_MESSAGES[problem] for problem in problems),
            code="weak_password",
            details={"problems": problems},
        )


# --- hashing -----------------------------------------------------------------------------------------------

_slots_lock = threading.Lock()
_slots: tuple[int, threading.BoundedSemaphore] | None = None


def _semaphore() -> threading.BoundedSemaphore:
    """The process-wide semaphore, sized by PASSWORD_HASH_CONCURRENCY (rebuilt if the setting changes)."""
    global _slots
    size = max(1, int(settings.PASSWORD_HASH_CONCURRENCY))
    current = _slots
    if current is None or current[0] != size:
        with _slots_lock:
            if _slots is None or _slots[0] != size:
                _slots = (size, threading.BoundedSemaphore(size))
            current = _slots
    return current[1]


@contextmanager
def hashing_slot() -> Iterator[None]:
    """Hold one of the PASSWORD_HASH_CONCURRENCY hashing slots of this process (waits for a free one)."""
    with _semaphore():
        yield


class CappedArgon2PasswordHasher(Argon2PasswordHasher):
    """argon2id at OWASP's minimum (m=19456 KiB, t=2, p=1), each hash inside `hashing_slot()`. Its
    algorithm name stays "argon2", so hashes read `argon2$argon2id$v=19$m=19456,t=2,p=1$…` and any earlier
    Argon2 hash verifies (and is upgraded by must_update)."""

    time_cost = 2
    memory_cost = 19456
    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        with hashing_slot():
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with hashing_slot():
            return super().verify(password, encoded)
