"""Sources (paths, zips, in-memory files) → the raw bytes of each CSV, within :class:`Limits`.

Hostile input must cost bounded time and memory: the size of a zip and its member count are checked before
any member is read, a member that declares more expansion than text ever has is refused as a zip bomb, and
the rest is decompressed in small blocks against a byte budget shared by the whole export.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .errors import (
    CompressionRatioError,
    CorruptArchiveError,
    NotSumupExportError,
    TooLargeError,
    TooManyMembersError,
    UnreadableFileError,
)

MIB = 1024 * 1024
# A file on disk, or one already in memory as (file name, content): an upload, a row of a job queue.
Source = Path | str | tuple[str, bytes]

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_BLOCK = 64 * 1024
# Below this, a high ratio costs nothing worth refusing (a header-only CSV compresses oddly).
_RATIO_FLOOR = 1 * MIB
# End of central directory: signature, disk, disk of the directory, entries here, entries in all,
# directory size, directory offset, comment length.
_END_RECORD = struct.Struct("<4s4H2LH")
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
_MAX_COMMENT = 65535
# A directory entry is 46 bytes plus its name; SumUp's names are under 100 characters.
_MAX_ENTRY_BYTES = 46 + 512


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one export may cost.

    The shared two-year export is 1.6 MB zipped, 8.2 MB unzipped, and takes about 75 MB of memory once
    parsed (about 9x its text): the default total of 64 MiB (eight such exports) keeps a hostile upload
    under about 600 MB.
    """

    max_total_bytes: int = 64 * MIB  # all CSVs together, uncompressed
    max_archive_bytes: int = 32 * MIB  # a zip as given, compressed
    max_members: int = 32  # an export has six
    max_ratio: int = 100  # uncompressed / compressed per member; CSV text gives 5-20
    max_field_chars: int = 10_000  # any one cell; the longest in the sample is under 100


@dataclass(frozen=True, slots=True)
class RawFile:
    name: str  # as errors report it: "x.csv" or "export.zip/x.csv"
    data: bytes


class _Budget:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def take(self, size: int, name: str) -> None:
        self.used += size
        if self.used > self.limit:
            raise TooLargeError(f"the export decompresses to more than {self.limit:,} bytes", filename=name)

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


def read_sources(sources: Iterable[Source], limits: Limits) -> list[RawFile]:
    """Every CSV the sources hold, zips opened; raises a :class:`SumupParseError` subclass."""
    budget = _Budget(limits.max_total_bytes)
    files: list[RawFile] = []
    for source in sources:
        if isinstance(source, tuple):
            name, data = source
            files.extend(_from_bytes(name, data, limits, budget))
        else:
            files.extend(_from_path(Path(source), limits, budget))
    return files


def _from_path(path: Path, limits: Limits, budget: _Budget) -> list[RawFile]:
    name = path.name
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
            if head in _ZIP_MAGIC:
                _check_archive_size(path.stat().st_size, name, limits)
                handle.seek(0)
                return _from_zip(handle, name, limits, budget)
            rest = handle.read(max(0, budget.left + 1 - len(head)))
    except OSError as exc:
        raise UnreadableFileError(f"cannot read file: {exc.strerror or exc}", filename=name) from exc
    budget.take(len(head) + len(rest), name)
    return [RawFile(name=name, data=head + rest)]


def _from_bytes(name: str, data: bytes, limits: Limits, budget: _Budget) -> list[RawFile]:
    if data[:4] in _ZIP_MAGIC:
        _check_archive_size(len(data), name, limits)
        return _from_zip(io.BytesIO(data), name, limits, budget)
    budget.take(len(data), name)
    return [RawFile(name=name, data=data)]


def _check_archive_size(size: int, name: str, limits: Limits) -> None:
    if size > limits.max_archive_bytes:
        raise TooLargeError(f"the zip is larger than {limits.max_archive_bytes:,} bytes", filename=name)


def _from_zip(handle: BinaryIO, name: str, limits: Limits, budget: _Budget) -> list[RawFile]:
    _check_directory(handle, name, limits)
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            return [
                RawFile(
                    name=f"{name}/{info.filename}", data=_read_member(archive, info, name, limits, budget)
                )
                for info in infos
                if _is_export_member(info, name)
            ]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        # RuntimeError: an encrypted member; NotImplementedError: a compression method zipfile lacks.
        raise CorruptArchiveError(f"unreadable zip: {exc}", filename=name) from exc


def _check_directory(handle: BinaryIO, name: str, limits: Limits) -> None:
    """Refuse a zip with too many members from its end record, before zipfile builds one object per member.

    zipfile reads as many directory bytes as the end record declares, so bounding that size (and the count)
    bounds its work. ZIP64 records would override both; no export needs them.
    """
    size = handle.seek(0, io.SEEK_END)
    tail_size = min(size, _END_RECORD.size + _MAX_COMMENT + _ZIP64_LOCATOR_SIZE)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    handle.seek(0)
    position = tail.rfind(_END_SIGNATURE)
    if position < 0 or len(tail) - position < _END_RECORD.size:
        raise CorruptArchiveError("unreadable zip: no end of central directory", filename=name)
    if tail[max(0, position - _ZIP64_LOCATOR_SIZE) : position].startswith(_ZIP64_LOCATOR):
        raise TooManyMembersError("a ZIP64 archive: an export is a small zip of six CSVs", filename=name)
    _, _, _, _, entries, directory_size, _, _ = _END_RECORD.unpack_from(tail, position)
    if entries > limits.max_members or directory_size > limits.max_members * _MAX_ENTRY_BYTES:
        raise TooManyMembersError(
            f"the zip has {entries:,} members ({directory_size:,} directory bytes); an export has at most"
            f" {limits.max_members}",
            filename=name,
        )


def _is_export_member(info: zipfile.ZipInfo, archive_name: str) -> bool:
    path = PurePosixPath(info.filename)
    # Folders, and the resource forks macOS's archiver adds, hold no data of the export.
    if info.is_dir() or path.parts[:1] == ("__MACOSX",) or path.name.startswith("._"):
        return False
    if path.suffix.lower() != ".csv":
        raise NotSumupExportError(
            f"zip member {info.filename!r} is not a CSV; a SumUp export holds only CSV files",
            filename=archive_name,
        )
    return True


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, archive_name: str, limits: Limits, budget: _Budget
) -> bytes:
    member = f"{archive_name}/{info.filename}"
    # The declared size bounds the output: zipfile stops there (and fails the CRC of a member that lied), so
    # checking the declared ratio refuses a bomb before a single block is inflated.
    if info.file_size > max(_RATIO_FLOOR, limits.max_ratio * max(info.compress_size, 1)):
        raise CompressionRatioError(_ratio_message(info), filename=member)
    blocks: list[bytes] = []
    with archive.open(info) as stream:
        while block := stream.read(_BLOCK):
            budget.take(len(block), member)
            blocks.append(block)
    return b"".join(blocks)


def _ratio_message(info: zipfile.ZipInfo) -> str:
    return (
        f"the member expands from {info.compress_size:,} to {info.file_size:,} bytes: refused as a zip bomb"
    )
