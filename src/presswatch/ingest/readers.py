"""Files, folders, uploads and zip archives -> a stream of Article or Reject.

The public generators never raise for bad input: each problem becomes a Reject with a
stable reason code, and the iteration carries on with the next record or file. The file
type comes from the name (``.jsonl.gz`` before ``.gz``); the text readers for plain text
and HTML live in ``text.py`` and ``html.py``, the record readers in ``structured.py``.
"""

from __future__ import annotations

import dataclasses
import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, BinaryIO, cast

from presswatch.ingest.archive import (
    ArchiveBudget,
    ArchiveMember,
    LimitedReader,
    LimitExceeded,
    iter_zip,
)
from presswatch.ingest.decode import DecodeError, declared_html_charset, decode_text
from presswatch.ingest.language import detect_language, not_language
from presswatch.ingest.structured import (
    FIELDS,
    RecordOptions,
    read_csv,
    read_json_stream,
    read_jsonl,
    read_parquet,
)
from presswatch.models import Article, Reject
from presswatch.settings import MB, Settings, get_settings

# (suffix, kind, gzip-compressed), longest suffixes first so ".jsonl.gz" wins over ".gz".
_SUFFIX_KINDS: tuple[tuple[str, str, bool], ...] = (
    (".jsonl.gz", "jsonl", True),
    (".ndjson.gz", "jsonl", True),
    (".json.gz", "json", True),
    (".csv.gz", "csv", True),
    (".tsv.gz", "tsv", True),
    (".markdown", "text", False),
    (".parquet", "parquet", False),
    (".ndjson", "jsonl", False),
    (".jsonl", "jsonl", False),
    (".json", "json", False),
    (".html", "html", False),
    (".htm", "html", False),
    (".txt", "text", False),
    (".csv", "csv", False),
    (".tsv", "tsv", False),
    (".zip", "zip", False),
    (".md", "text", False),
)
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(s for s, _, _ in _SUFFIX_KINDS)
# Archive formats refused inside a zip (a .zip member is refused as well).
_ARCHIVE_SUFFIXES = (
    ".zip", ".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz", ".tbz2", ".txz", ".7z",
    ".rar", ".gz", ".bz2", ".xz", ".zst", ".jar", ".cab", ".iso",
)  # fmt: skip
_ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024
# How many bytes one document may have per character of the text limit before it is
# rejected unread. A plain-text file holds at least one character per 4 bytes (UTF-8,
# UTF-32), so past 8 it is mostly whitespace or too long anyway. Parsing HTML costs about
# 25 bytes of memory per byte of page, so pages are held to 5: 10 MB, ~250 MB to parse,
# at the default limit of 2,000,000 characters, many times a real article page.
_TEXT_BYTES_PER_CHAR = 8
_HTML_BYTES_PER_CHAR = 5
# A JSON line or CSV row may be longer than its text (escapes such as \u00e9, other
# fields), but a record of more bytes than this cannot yield a text within the limit
# worth keeping, and reading it whole would cost its size several times over in memory.
_RECORD_BYTES_PER_CHAR = 16


def supported_list() -> str:
    """The supported suffixes as one readable string."""
    return ", ".join(sorted(SUPPORTED_SUFFIXES))


def file_kind(name: str) -> tuple[str, bool] | None:
    """(kind, gzip-compressed) for a file name, or None when the type is not supported."""
    lower = name.lower()
    for suffix, kind, gz in _SUFFIX_KINDS:
        if lower.endswith(suffix):
            return kind, gz
    return None


@dataclass(frozen=True)
class ReadOptions:
    """How to read: a source override, a column map and the limits (default: the settings)."""

    source: str | None = None
    column_map: Mapping[str, str] = field(default_factory=dict)
    limits: Settings | None = None

    def settings(self) -> Settings:
        """The limits in force: the ones given, else the environment's."""
        return self.limits if self.limits is not None else get_settings()


def parse_column_map(items: Sequence[str]) -> dict[str, str]:
    """Parse ``--map field=column`` items into {field: column}; ValueError on a bad item."""
    result: dict[str, str] = {}
    fields = ", ".join(FIELDS)
    for item in items:
        name, sep, column = item.partition("=")
        name, column = name.strip().lower(), column.strip()
        if not sep or not name or not column:
            raise ValueError(f"--map {item!r}: expected FIELD=COLUMN, e.g. text=body ({fields})")
        if name not in FIELDS:
            raise ValueError(f"--map {item!r}: unknown field {name!r}; the fields are {fields}")
        if name in result and result[name] != column:
            raise ValueError(
                f"--map gives two columns for {name!r}: {result[name]!r} and {column!r}"
            )
        result[name] = column
    return result


# --- walking inputs --------------------------------------------------------------------


def _symlink_problem(entry: os.DirEntry[str], root: Path) -> Reject | None:
    """A Reject for a symlink whose target is outside ``root`` (or cannot be resolved)."""
    try:
        target = Path(entry.path).resolve(strict=True)
    except FileNotFoundError:
        return Reject(entry.path, "not-found", "the symbolic link points to nothing")
    except (OSError, RuntimeError):  # a loop of links, a permission error on the way
        return Reject(entry.path, "unreadable", "the symbolic link cannot be resolved")
    if not target.is_relative_to(root):
        # As for archive members: a folder's content stays inside the folder, so a link
        # planted in it cannot pull in files from elsewhere on the server.
        return Reject(entry.path, "unsafe-path", "the symbolic link leaves the folder")
    return None


def _walk(folder: Path, root: Path) -> Iterator[Path | Reject]:
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Reject(str(folder), "unreadable", f"the folder cannot be listed: {exc.strerror}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_symlink():
                problem = _symlink_problem(entry, root)
                if problem is not None:
                    yield problem
                elif entry.is_file():
                    yield Path(entry.path)
                # A linked folder inside the tree is walked under its own name already;
                # following it as well could only repeat it or loop back to an ancestor.
            elif entry.is_dir(follow_symlinks=False):
                yield from _walk(Path(entry.path), root)
            elif entry.is_file(follow_symlinks=False):
                yield Path(entry.path)
        except OSError as exc:
            yield Reject(entry.path, "unreadable", f"cannot be read: {exc.strerror}")


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path | Reject]:
    """Files named and files inside folders (recursively, sorted, skipping hidden ones).

    Inside a folder, a symbolic link whose target lies outside that folder is rejected.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path, path.resolve())
        elif path.exists():
            yield path
        else:
            yield Reject(str(path), "not-found", "no such file or folder")


# --- dispatch --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Input:
    """Where one file's bytes come from: a path, bytes in memory or an archive member."""

    origin: str
    open_raw: Callable[[], IO[bytes]]
    # Applied to the fully decompressed content stream (archive budgets live here).
    wrap: Callable[[IO[bytes]], BinaryIO] | None = None
    path: Path | None = None
    in_archive: bool = False


@contextmanager
def _content(inp: _Input, gz: bool) -> Iterator[BinaryIO]:
    with ExitStack() as stack:
        stream: IO[bytes] = stack.enter_context(inp.open_raw())
        if gz:
            unzipped = gzip.GzipFile(fileobj=stream, mode="rb")
            stack.callback(unzipped.close)
            stream = cast(IO[bytes], unzipped)
        if inp.wrap is not None:
            stream = stack.enter_context(inp.wrap(stream))
        yield stream  # type: ignore[misc]


def _read_all(stream: IO[bytes], limit: int | None = None) -> bytes | None:
    """All bytes of the stream, or None as soon as there are more than ``limit``."""
    chunks = []
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
        if limit is not None and total > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _read_whole(stream: IO[bytes]) -> bytes:
    data = _read_all(stream)
    assert data is not None  # no limit given
    return data


def document_limit(kind: str, settings: Settings) -> int:
    """The most bytes a text or HTML document may have to be read at all."""
    per_char = _HTML_BYTES_PER_CHAR if kind == "html" else _TEXT_BYTES_PER_CHAR
    return min(settings.max_file_bytes, per_char * settings.max_text_chars)


def _document_too_large(origin: str, kind: str, size: int | None, settings: Settings) -> Reject:
    limit = document_limit(kind, settings)
    what = "page" if kind == "html" else "text file"
    has = f"is {size / MB:,.1f} MB" if size is not None else "has"
    return Reject(
        origin,
        "too-large",
        f"the {what} {has} more than {limit / MB:,.1f} MB, the most read for one "
        f"{'HTML page' if kind == 'html' else 'text document'} with the text limit of "
        f"{settings.max_text_chars:,} characters (raise it with PRESSWATCH_MAX_TEXT_CHARS)",
    )


def _record_options(options: ReadOptions, settings: Settings) -> RecordOptions:
    return RecordOptions(
        source=options.source,
        column_map=dict(options.column_map),
        max_text_chars=settings.max_text_chars,
        max_record_bytes=record_limit(settings),
    )


def record_limit(settings: Settings) -> int:
    """The most bytes one JSON line or CSV row may have to be read at all."""
    return min(settings.max_file_bytes, _RECORD_BYTES_PER_CHAR * settings.max_text_chars)


def _too_long(item: Article | Reject, limit: int) -> Article | Reject:
    if isinstance(item, Article) and len(item.text) > limit:
        return Reject(
            item.origin_file,
            "text-too-long",
            f"the text has {len(item.text):,} characters, more than the limit of {limit:,} "
            "(raise it with PRESSWATCH_MAX_TEXT_CHARS)",
            item.origin_record,
        )
    return item


def _written(item: Article | Reject) -> Article | Reject:
    """The item, or a "not-language" Reject when its text is not written language."""
    if isinstance(item, Article):
        problem = not_language(item.text)
        if problem is not None:
            return Reject(item.origin_file, "not-language", problem, item.origin_record)
    return item


def _with_language(item: Article) -> Article:
    """The article with the language its script shows, when its input named none: a
    language the markup or a column gives is never overridden."""
    if item.language is not None:
        return item
    language = detect_language(item.text)
    return item if language is None else dataclasses.replace(item, language=language)


def _read_document(
    inp: _Input, kind: str, options: ReadOptions, settings: Settings
) -> Iterator[Article | Reject]:
    with _content(inp, False) as stream:
        data = _read_all(stream, document_limit(kind, settings))
    if data is None:
        yield _document_too_large(inp.origin, kind, None, settings)
        return
    if inp.in_archive and data.startswith(_ZIP_MAGIC):
        yield Reject(inp.origin, "nested-archive", "the member is itself a zip archive")
        return
    # Imported on first use: trafilatura is slow to import and record files never need it.
    if kind == "html":
        from presswatch.ingest.html import read_html_document

        html = decode_text(data, declared=declared_html_charset(data))
        page = read_html_document(
            html,
            inp.origin,
            source=options.source,
            folder=inp.path.parent.name if inp.path is not None else None,
        )
        yield _written(_too_long(page, settings.max_text_chars))
    else:
        from presswatch.ingest.text import read_text_document

        text = decode_text(data)
        document = read_text_document(text, inp.origin, source=options.source)
        # Random bytes decode as cp1252 without error: only the text's shape tells.
        yield _written(_too_long(document, settings.max_text_chars))


def _read_records(
    inp: _Input, kind: str, gz: bool, options: ReadOptions, settings: Settings
) -> Iterator[Article | Reject]:
    record_options = _record_options(options, settings)
    if kind == "parquet":
        if inp.path is not None and inp.wrap is None:
            yield from read_parquet(str(inp.path), inp.origin, record_options)
        else:
            with _content(inp, gz) as stream:
                data = _read_whole(stream)
            yield from read_parquet(io.BytesIO(data), inp.origin, record_options)
        return
    if kind == "json":
        with _content(inp, gz) as stream:
            yield from read_json_stream(stream, inp.origin, record_options)
        return
    with _content(inp, gz) as stream:
        if kind == "jsonl":
            yield from read_jsonl(stream, inp.origin, record_options)
        else:
            delimiter = "\t" if kind == "tsv" else None
            yield from read_csv(stream, inp.origin, record_options, delimiter=delimiter)


def _stream_problem(exc: BaseException, inp: _Input, gz: bool, loaded: int) -> Reject:
    """A file-level Reject for an error of the byte stream (not of one record)."""
    kept = (
        f"; the {loaded:,} articles read before that point were kept"
        if loaded
        else "; nothing could be read from it"
    )
    if isinstance(exc, DecodeError | LimitExceeded):
        return Reject(inp.origin, exc.reason, exc.detail + (kept if loaded else ""))
    if gz and isinstance(exc, EOFError):
        return Reject(
            inp.origin,
            "truncated-gzip",
            "the gzip data ends before its end marker (the file was cut short)" + kept,
        )
    if gz and isinstance(exc, gzip.BadGzipFile | zlib.error):
        return Reject(inp.origin, "corrupt-gzip", f"the gzip data is damaged ({exc})" + kept)
    if inp.in_archive and isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return Reject(inp.origin, "corrupt-archive", f"the member is damaged ({exc})" + kept)
    if isinstance(exc, OSError):
        return Reject(inp.origin, "unreadable", f"reading failed: {exc}" + kept)
    return Reject(inp.origin, "read-error", f"{type(exc).__name__}: {exc}" + kept)


def _guarded(
    inp: _Input, kind: str, gz: bool, options: ReadOptions, settings: Settings
) -> Iterator[Article | Reject]:
    """Read one file of a known kind; any exception becomes one Reject for the file."""
    loaded = 0
    produced = 0
    try:
        if kind in ("text", "html"):
            items = _read_document(inp, kind, options, settings)
        else:
            items = _read_records(inp, kind, gz, options, settings)
        for item in items:
            produced += 1
            if isinstance(item, Article):
                loaded += 1
                item = _with_language(item)
            yield item
    except Exception as exc:  # one file's failure must never stop the run
        produced += 1
        yield _stream_problem(exc, inp, gz, loaded)
    if produced == 0:
        yield Reject(inp.origin, "empty-file", "the file holds no records")


def _unsupported(origin: str, name: str) -> Reject:
    suffix = "".join(PurePath(name).suffixes[-2:]) or "no extension"
    return Reject(
        origin,
        "unsupported-type",
        f"files of type {suffix!r} cannot be read; supported: {supported_list()}",
    )


def _read_zip(
    source: str | BinaryIO, origin: str, options: ReadOptions, settings: Settings
) -> Iterator[Article | Reject]:
    budget = ArchiveBudget.from_settings(settings)
    for member in iter_zip(source, origin, budget):
        if isinstance(member, Reject):
            yield member
            continue
        yield from _read_member(member, options, settings)


def _read_member(
    member: ArchiveMember, options: ReadOptions, settings: Settings
) -> Iterator[Article | Reject]:
    kind = file_kind(member.name)
    if (kind is not None and kind[0] == "zip") or (
        kind is None and member.name.lower().endswith(_ARCHIVE_SUFFIXES)
    ):
        yield Reject(
            member.origin,
            "nested-archive",
            "archives inside archives are not read; unpack it first",
        )
        return
    if kind is None:
        yield _unsupported(member.origin, member.name)
        return
    if member.size == 0:
        yield Reject(member.origin, "empty-file", "the file is empty")
        return
    if kind[0] in ("text", "html") and member.size > document_limit(kind[0], settings):
        yield _document_too_large(member.origin, kind[0], member.size, settings)
        return
    inp = _Input(
        origin=member.origin,
        open_raw=member.open_raw,
        wrap=member.limited,
        in_archive=True,
    )
    yield from _guarded(inp, kind[0], kind[1], options, settings)


def _too_large(origin: str, size: int, limit: int, env: str) -> Reject:
    return Reject(
        origin,
        "too-large",
        f"the file is {size / MB:,.1f} MB ({size:,} bytes), more than the limit of "
        f"{limit / MB:,.0f} MB (raise it with {env})",
    )


def _single_file_budget(settings: Settings) -> ArchiveBudget:
    # A gzip-compressed document read whole is held to the per-file size once decompressed.
    return ArchiveBudget(
        max_total_bytes=settings.max_file_bytes,
        max_ratio=2**62,
        max_entries=1,
        max_member_bytes=settings.max_file_bytes,
    )


def _wrap_for(kind: str, gz: bool, settings: Settings) -> Callable[[IO[bytes]], BinaryIO] | None:
    if not gz or kind in ("jsonl", "csv", "tsv"):
        return None  # streamed one record at a time: memory stays flat at any size

    def wrap(stream: IO[bytes]) -> BinaryIO:
        limited = LimitedReader(stream, _single_file_budget(settings), compressed_size=1)
        return io.BufferedReader(limited)

    return wrap


def read_file(path: Path, options: ReadOptions) -> Iterator[Article | Reject]:
    """Articles and rejects from one file (any supported type, zip archives included)."""
    origin = str(path)
    try:
        settings = options.settings()
    except ValueError as exc:
        yield Reject(origin, "invalid-settings", str(exc))
        return
    try:
        st = path.stat()
    except FileNotFoundError:
        yield Reject(origin, "not-found", "no such file")
        return
    except OSError as exc:
        yield Reject(origin, "unreadable", f"cannot be read: {exc.strerror}")
        return
    if not path.is_file():
        yield Reject(origin, "not-a-file", "not a regular file")
        return
    kind = file_kind(path.name)
    if kind is None:
        yield _unsupported(origin, path.name)
        return
    if st.st_size > settings.max_file_bytes:
        yield _too_large(origin, st.st_size, settings.max_file_bytes, "PRESSWATCH_MAX_FILE_MB")
        return
    if st.st_size == 0:
        yield Reject(origin, "empty-file", "the file is empty")
        return
    if kind[0] in ("text", "html") and st.st_size > document_limit(kind[0], settings):
        # Refused before reading: parsing would cost several times the size in memory.
        yield _document_too_large(origin, kind[0], st.st_size, settings)
        return
    if kind[0] == "zip":
        yield from _guarded_zip(origin, str(path), options, settings)
        return
    inp = _Input(
        origin=origin,
        open_raw=lambda: open(path, "rb"),  # closed by _content
        wrap=_wrap_for(kind[0], kind[1], settings),
        path=path,
    )
    yield from _guarded(inp, kind[0], kind[1], options, settings)


def _guarded_zip(
    origin: str, source: str | BinaryIO, options: ReadOptions, settings: Settings
) -> Iterator[Article | Reject]:
    try:
        yield from _read_zip(source, origin, options, settings)
    except Exception as exc:  # a damaged central directory found late, an I/O error
        yield Reject(origin, "corrupt-archive", f"reading the archive failed: {exc}")


def read_upload(name: str, data: bytes, options: ReadOptions) -> Iterator[Article | Reject]:
    """Articles and rejects from a browser upload: dispatched by name, bytes in memory."""
    origin = PurePath(name.replace("\\", "/")).name or "upload"
    try:
        settings = options.settings()
    except ValueError as exc:
        yield Reject(origin, "invalid-settings", str(exc))
        return
    kind = file_kind(origin)
    if kind is None:
        yield _unsupported(origin, origin)
        return
    if len(data) > settings.max_upload_bytes:
        yield _too_large(origin, len(data), settings.max_upload_bytes, "PRESSWATCH_MAX_UPLOAD_MB")
        return
    if not data:
        yield Reject(origin, "empty-file", "the file is empty")
        return
    if kind[0] in ("text", "html") and len(data) > document_limit(kind[0], settings):
        yield _document_too_large(origin, kind[0], len(data), settings)
        return
    if kind[0] == "zip":
        yield from _guarded_zip(origin, io.BytesIO(data), options, settings)
        return
    inp = _Input(
        origin=origin,
        open_raw=lambda: io.BytesIO(data),
        wrap=_wrap_for(kind[0], kind[1], settings),
    )
    yield from _guarded(inp, kind[0], kind[1], options, settings)


__all__ = [
    "SUPPORTED_SUFFIXES",
    "ReadOptions",
    "document_limit",
    "file_kind",
    "iter_input_files",
    "parse_column_map",
    "read_file",
    "read_upload",
    "record_limit",
]
