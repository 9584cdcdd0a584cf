"""Checks on uploaded PDFs before anything is stored: count, size, and type by content (`%PDF-`).

A request whose files are none of them PDFs is refused (415); among PDFs, a file that is not one is
passed on and becomes that file's `not_pdf` outcome, so that the good files are still imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from shared_apps.core.exceptions import ApplicationError, PayloadTooLarge, ValidationFailed

PDF_MAGIC = b"%PDF-"


class UnsupportedFileType(ApplicationError):
    status_code = 415
    default_code = "unsupported_media_type"


class Upload(Protocol):
    name: str | None
    size: int | None

    def read(self, size: int = ...) -> bytes: ...

    def seek(self, offset: int) -> int: ...


def uploads_read(*, files: Sequence[Upload], max_files: int, max_file_bytes: int) -> list[tuple[str, bytes]]:
    """(name, bytes) of each upload, or an error naming the first file that breaks a limit."""
    if not files:
        raise ValidationFailed(
            "Envoyez un ou plusieurs fichiers PDF dans le champ multipart `files`.", code="no_file"
        )
    if len(files) > max_files:
        raise ValidationFailed(
            f"Au plus {max_files} fichiers par requête.",
            code="too_many_files",
            details={"max_files": max_files},
        )
    received: list[tuple[str, bytes]] = []
    for index, upload in enumerate(files):
        name = (upload.name or f"file-{index + 1}.pdf")[:255]
        if (upload.size or 0) > max_file_bytes:
            raise PayloadTooLarge(
                f"{name} dépasse {max_file_bytes} octets.",
                details={"file": name, "max_bytes": max_file_bytes},
            )
        data = upload.read(max_file_bytes + 1)
        if len(data) > max_file_bytes:
            raise PayloadTooLarge(
                f"{name} dépasse {max_file_bytes} octets.",
                details={"file": name, "max_bytes": max_file_bytes},
            )
        received.append((name, data))
    # The type is what the bytes say, not the name or the client's Content-Type.
    if not any(data.startswith(PDF_MAGIC) for _, data in received):
        name = received[0][0]
        raise UnsupportedFileType(f"{name} n'est pas un PDF.", details={"file": name})
    return received
