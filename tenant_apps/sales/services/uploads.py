"""Checks on uploaded files before anything is read as an export: how many, and how large each is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shared_apps.core.exceptions import PayloadTooLarge, ValidationFailed


class Upload(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = ...) -> bytes: ...


def uploads_read(*, files: Sequence[Upload], max_files: int, max_file_bytes: int) -> list[tuple[str, bytes]]:
    """(name, bytes) of each upload, or an error naming the first file that breaks a limit.

    What the bytes are (a zip, a CSV of the export, anything else) is for the export reader to say.
    """
    if not files:
        raise ValidationFailed(
            "Send the export's zip, or its CSV files, in the multipart field `files`.", code="no_file"
        )
    if len(files) > max_files:
        raise ValidationFailed(
            f"At most {max_files} files per request.", code="too_many_files", details={"max_files": max_files}
        )
    received: list[tuple[str, bytes]] = []
    for index, upload in enumerate(files):
        name = (upload.name or f"file-{index + 1}")[:255]
        too_large = PayloadTooLarge(
            f"{name} is larger than {max_file_bytes} bytes.",
            details={"file": name, "max_bytes": max_file_bytes},
        )
        if (upload.size or 0) > max_file_bytes:
            raise too_large
        data = upload.read(max_file_bytes + 1)
        if len(data) > max_file_bytes:
            raise too_large
        received.append((name, data))
    return received
