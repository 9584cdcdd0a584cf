"""Field encryption (shared_apps.core.crypto): MultiFernet, first key encrypts, every key decrypts."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.fernet import Fernet

from shared_apps.core import crypto

K1, K2 = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_round_trip_and_fresh_ciphertext(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [K1]
    first, second = crypto.encrypt("top secret"), crypto.encrypt("top secret")
    assert first != second  # random IV
    assert "top secret" not in first
    assert crypto.decrypt(first) == crypto.decrypt(second) == "top secret"


def test_rotation_old_key_keeps_working_until_rotated(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [K1]
    token = crypto.encrypt("value")
    settings.FIELD_ENCRYPTION_KEYS = [K2, K1]
    assert crypto.decrypt(token) == "value"
    rotated = crypto.rotate(token)
    settings.FIELD_ENCRYPTION_KEYS = [K2]
    assert crypto.decrypt(rotated) == "value"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(token)


def test_tampered_or_foreign_tokens_are_refused(settings: Any) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [K1]
    token = crypto.encrypt("value")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"))
    settings.FIELD_ENCRYPTION_KEYS = [K2]
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(token)
