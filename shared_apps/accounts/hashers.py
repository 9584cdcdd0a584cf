"""Verification of the predecessor's bcrypt hashes, imported as `bcrypt$<$2b$… hash>`.

Django's BCryptPasswordHasher already reads that format; this subclass only restores what the predecessor's
bcrypt did with passwords longer than 72 bytes: it ignored the rest. bcrypt ≥ 5 raises instead, which would
turn a long password into a server error. These hashes are never written: a successful login re-hashes the
password with the first hasher (Argon2id), because this one is not the preferred hasher.
"""

from __future__ import annotations

import bcrypt
from django.contrib.auth.hashers import BCryptPasswordHasher

BCRYPT_MAX_BYTES = 72


class LegacyBCryptPasswordHasher(BCryptPasswordHasher):
    def encode(self, password: str, salt: str | bytes) -> str:
        data = bcrypt.hashpw(
            password.encode()[:BCRYPT_MAX_BYTES], salt if isinstance(salt, bytes) else salt.encode()
        )
        return f"{self.algorithm}${data.decode('ascii')}"
