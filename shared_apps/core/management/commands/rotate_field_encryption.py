"""Re-encrypt every registered encrypted column with the first key of FIELD_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from shared_apps.core.commands import ServiceCommand
from shared_apps.core.crypto import DecryptionFailed, encrypted_fields_rotate
from shared_apps.core.exceptions import ApplicationError


class Command(ServiceCommand):
    help = (
        "Re-encrypt every encrypted column (MFA secrets, provider tokens) with the first key of "
        "FIELD_ENCRYPTION_KEYS. Run it after putting a new key first; remove old keys only afterwards."
    )

    def run(self, *args: Any, **options: Any) -> None:
        try:
            done = encrypted_fields_rotate()
        except DecryptionFailed as error:
            raise ApplicationError(
                "a stored value decrypts with none of FIELD_ENCRYPTION_KEYS; keep the old key listed",
                code="undecryptable_value",
            ) from error
        for label, count in done.items():
            self.stdout.write(f"{label}\t{count} re-encrypted")
