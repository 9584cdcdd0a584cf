"""Field encryption at rest: Fernet tokens under a MultiFernet built from settings.FIELD_ENCRYPTION_KEYS.

The first key encrypts; every listed key decrypts, so a key rotation is: put the new key first and keep the
old ones, deploy, run `manage.py rotate_field_encryption` (re-encrypts every registered column with the
first key), then drop the old keys. Fernet is AES-128-CBC + HMAC-SHA256 with a random IV: the same
plaintext never gives the same ciphertext, and a tampered or foreign token fails to decrypt.

Apps register their encrypted columns (`register_encrypted_field`, from AppConfig.ready) so that the one
rotation command finds them all (MFA secrets, OAuth provider tokens).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.db import transaction

__all__ = ["DecryptionFailed", "decrypt", "encrypt", "encrypted_fields_rotate", "register_encrypted_field"]

ROTATE_BATCH_SIZE = 500


class DecryptionFailed(Exception):
    """No configured key decrypts the token (a key was removed too early, or the value was tampered with)."""


@lru_cache(maxsize=4)
def _multi(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ValueError("FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def _fernet() -> MultiFernet:
    # Keyed by the tuple of keys, so a settings change (tests, a reload) takes effect at once.
    return _multi(tuple(str(key) for key in settings.FIELD_ENCRYPTION_KEYS))


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as error:
        raise DecryptionFailed("no configured key decrypts this value") from error


def rotate(token: str) -> str:
    """The same plaintext, encrypted again with the first key (raises DecryptionFailed like `decrypt`)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as error:
        raise DecryptionFailed("no configured key decrypts this value") from error


@dataclass(frozen=True)
class EncryptedField:
    model_label: str  # "app_label.ModelName"
    field_name: str


_REGISTRY: dict[tuple[str, str], EncryptedField] = {}


def register_encrypted_field(model_label: str, field_name: str) -> None:
    """Declare a text column holding `encrypt()` output (empty values are skipped by the rotation)."""
    _REGISTRY[(model_label, field_name)] = EncryptedField(model_label, field_name)


def registered_fields() -> list[EncryptedField]:
    return list(_REGISTRY.values())


def encrypted_fields_rotate() -> dict[str, int]:
    """Re-encrypt every registered column with the first key; the number of values rewritten per column.

    Rows are visited in primary-key batches, each in its own transaction with the rows locked, so that a
    concurrent write of the same row is neither lost nor overwritten with a stale value.
    """
    done: dict[str, int] = {}
    for spec in registered_fields():
        model = apps.get_model(spec.model_label)
        label = f"{spec.model_label}.{spec.field_name}"
        done[label] = 0
        last_pk = None
        while True:
            with transaction.atomic():
                rows = model.objects.select_for_update().exclude(**{spec.field_name: ""}).order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                batch = list(rows.only("pk", spec.field_name)[:ROTATE_BATCH_SIZE])
                for row in batch:
                    setattr(row, spec.field_name, rotate(getattr(row, spec.field_name)))
                    row.save(update_fields=[spec.field_name])
            if not batch:
                break
            done[label] += len(batch)
            last_pk = batch[-1].pk
    return done
