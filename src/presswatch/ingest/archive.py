"""Zip archives read member by member in memory, under limits that stop zip bombs.

Nothing is ever extracted to disk (no ``extractall``, no member path reaches the file
system), so ``../`` and absolute member names are harmless here; they are still rejected
because an archive that carries them was not made by an honest exporter. Limits apply to
both what the archive declares and what decompression actually produces, counted while
reading: a member that lies about its size is stopped at the limit, not after it.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any, BinaryIO

from presswatch.models import Reject
from presswatch.settings import MB, Settings

# Below this many decompressed bytes a member cannot do harm, whatever its ratio
# (a page of repeated spaces compresses 500:1 and is not a bomb).
RATIO_MIN_BYTES = 1 * MB
# Compression methods that only encrypted archives use (99 = WinZip AES).
_ENCRYPTED_METHODS = frozenset({99})
_READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
_SKIPPED_DIRS = frozenset({"__MACOSX"})


class LimitExceeded(Exception):
    """Decompression went past a limit; ``reason``/``detail`` become the Reject."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _mb(n: int) -> str:
    return f"{n / MB:,.1f} MB"


@dataclass(slots=True)
class ArchiveBudget:
    """Limits for one archive and the decompressed bytes used so far across its members."""

    max_total_bytes: int
    max_ratio: int
    max_entries: int
    max_member_bytes: int
    used: int = 0
    exhausted: bool = field(default=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> ArchiveBudget:
        """The budget the current settings allow."""
        return cls(
            max_total_bytes=settings.max_archive_total_bytes,
            max_ratio=settings.max_archive_ratio,
            max_entries=settings.max_archive_entries,
            max_member_bytes=settings.max_file_bytes,
        )

    def total_exceeded(self, what: str) -> LimitExceeded:
        """The error for an archive that decompresses to more than the total limit."""
        self.exhausted = True
        return LimitExceeded(
            "zip-bomb",
            f"{what} more than {_mb(self.max_total_bytes)} in total, the limit for one "
            "archive (raise it with PRESSWATCH_MAX_ARCHIVE_MB)",
        )

    def ratio_exceeded(self, what: str, compressed: int) -> LimitExceeded:
        """The error for a member compressed more than the ratio limit allows."""
        return LimitExceeded(
            "zip-bomb",
            f"{what} more than {self.max_ratio}× its compressed size of {compressed:,} bytes, "
            "the ratio limit (raise it with PRESSWATCH_MAX_ARCHIVE_RATIO)",
        )

    def member_exceeded(self, what: str) -> LimitExceeded:
        """The error for one member larger than the per-file limit."""
        return LimitExceeded(
            "too-large",
            f"{what} more than {_mb(self.max_member_bytes)}, the limit for one file "
            "(raise it with PRESSWATCH_MAX_FILE_MB)",
        )


class LimitedReader(io.RawIOBase):
    """Counts decompressed bytes as they are read and stops at the first limit crossed."""

    def __init__(self, inner: IO[bytes], budget: ArchiveBudget, compressed_size: int) -> None:
        self._inner = inner
        self._budget = budget
        self._compressed = max(compressed_size, 1)
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        # Never read more than one byte past the tightest limit, so the crossing is seen
        # without decompressing further.
        room = min(
            self._budget.max_member_bytes - self.count,
            self._budget.max_total_bytes - self._budget.used,
        )
        data = self._inner.read(max(1, min(len(view), room + 1)))
        n = len(data)
        view[:n] = data
        self.count += n
        self._budget.used += n
        if self.count > RATIO_MIN_BYTES and self.count > self._budget.max_ratio * self._compressed:
            raise self._budget.ratio_exceeded("the member decompresses to", self._compressed)
        if self.count > self._budget.max_member_bytes:
            raise self._budget.member_exceeded("the member decompresses to")
        if self._budget.used > self._budget.max_total_bytes:
            raise self._budget.total_exceeded("the archive decompresses to")
        return n

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


_DRIVE = re.compile(r"^[A-Za-z]:")


def unsafe_member_path(name: str) -> str | None:
    """Why a member name could escape an extraction folder, or None when it is safe."""
    posix = name.replace("\\", "/")
    if "\x00" in posix:
        return "its name contains a NUL byte"
    if posix.startswith("/") or _DRIVE.match(posix):
        return "it has an absolute path"
    if ".." in posix.split("/"):
        return "its path climbs out of the archive with '..'"
    return None


def _hidden(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return any(p.startswith(".") for p in parts) or bool(parts and parts[0] in _SKIPPED_DIRS)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


@dataclass(frozen=True, slots=True)
class ArchiveMember:
    """One member that passed the checks; ``open()`` streams it under the budget."""

    name: str
    origin: str
    size: int
    compressed_size: int
    _zip: zipfile.ZipFile
    _info: zipfile.ZipInfo
    _budget: ArchiveBudget

    def open_raw(self) -> IO[bytes]:
        """The member's decompressed bytes, not yet counted against the budget."""
        return self._zip.open(self._info)

    def limited(self, stream: IO[bytes]) -> BinaryIO:
        """Wrap a stream of this member's (fully decompressed) content in the budget."""
        return io.BufferedReader(LimitedReader(stream, self._budget, self.compressed_size))

    @property
    def budget(self) -> ArchiveBudget:
        """The archive's shared budget."""
        return self._budget


def _member_reject(origin: str, info: zipfile.ZipInfo, budget: ArchiveBudget) -> Reject | None:
    if _is_symlink(info):
        return Reject(origin, "unsafe-path", f"member {info.filename!r} is a symbolic link")
    if info.flag_bits & 0x1 or info.compress_type in _ENCRYPTED_METHODS:
        return Reject(origin, "encrypted", "the member is encrypted (password-protected)")
    if info.compress_type not in _READABLE_METHODS:
        return Reject(
            origin,
            "unsupported-compression",
            f"the member uses zip compression method {info.compress_type}, which cannot be "
            "read; re-create the archive with standard (deflate) compression",
        )
    if info.file_size > RATIO_MIN_BYTES and info.file_size > budget.max_ratio * max(
        info.compress_size, 1
    ):
        return Reject(
            origin,
            "zip-bomb",
            budget.ratio_exceeded(
                f"the member declares {info.file_size:,} bytes,", info.compress_size
            ).detail,
        )
    if info.file_size > budget.max_member_bytes:
        return Reject(origin, "too-large", budget.member_exceeded("the member declares").detail)
    return None


def iter_zip(
    source: str | BinaryIO, origin: str, budget: ArchiveBudget
) -> Iterator[ArchiveMember | Reject]:
    """Members of a zip archive that may be read, and a Reject for each one that may not.

    The caller must read each member before asking for the next (the archive is open only
    while this generator runs). Directories, hidden files and __MACOSX/ are skipped.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        yield Reject(origin, "corrupt-archive", f"not a readable zip archive: {exc}")
        return
    with archive:
        infos = archive.infolist()
        if len(infos) > budget.max_entries:
            yield Reject(
                origin,
                "too-many-entries",
                f"the archive has {len(infos):,} entries, more than the limit of "
                f"{budget.max_entries:,} (raise it with PRESSWATCH_MAX_ARCHIVE_ENTRIES)",
            )
            return
        declared = sum(i.file_size for i in infos)
        if declared > budget.max_total_bytes:
            yield Reject(
                origin,
                "zip-bomb",
                budget.total_exceeded(f"the archive declares {declared:,} bytes,").detail,
            )
            return
        for info in infos:
            if info.is_dir():
                continue
            member_origin = f"{origin}!{info.filename}"
            if budget.exhausted:
                yield Reject(
                    member_origin,
                    "zip-bomb",
                    "not read: the archive already reached its decompressed-size limit "
                    "(PRESSWATCH_MAX_ARCHIVE_MB)",
                )
                continue
            why = unsafe_member_path(info.filename)
            if why is not None:
                yield Reject(member_origin, "unsafe-path", f"member not read: {why}")
                continue
            if _hidden(info.filename):
                continue
            rejected = _member_reject(member_origin, info, budget)
            if rejected is not None:
                yield rejected
                continue
            yield ArchiveMember(
                name=info.filename,
                origin=member_origin,
                size=info.file_size,
                compressed_size=info.compress_size,
                _zip=archive,
                _info=info,
                _budget=budget,
            )
