"""Records from JSON lines, JSON documents, CSV/TSV and Parquet -> Article or Reject.

Fields are found by common column names (case-insensitive), overridable with
``--map field=column``. Readers stream: JSON lines one line at a time, CSV through the
csv module on a text stream, Parquet in record batches, so memory stays flat however large
the file. A bad record becomes a Reject and the rest of the file still loads; errors of
the byte stream itself (truncated gzip, a zip limit) propagate to the dispatcher, which
knows the container and turns them into one file-level Reject.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import IO, Any, BinaryIO

from presswatch.ingest.dates import parse_date
from presswatch.ingest.decode import (
    UTF8_WITH_CP1252_FALLBACK,
    DecodeError,
    bom_encoding,
    control_ratio,
    decode_text,
    legacy_encoding,
    mostly_utf8,
    sniff_binary,
    utf16_without_bom,
)
from presswatch.models import Article, DatePrecision, ParsedDate, Reject

FIELDS = ("title", "text", "date", "source", "url", "language", "id")

# Column names per field, most specific first; matched after _normalise_name.
FIELD_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline", "heading"),
    "text": (
        "text", "body", "content", "article", "full_text", "fulltext", "article_text",
        "body_text", "maintext",
    ),
    # Ranked by how precise they usually are; the most precise parsed value wins anyway.
    "date": (
        "datetime", "published_at", "publication_date", "published", "pubdate", "pub_date",
        "date_published", "published_date", "publish_date", "timestamp", "date",
    ),
    "source": ("source", "outlet", "site", "sitename", "site_name", "publisher", "source_name"),
    "url": ("url", "link", "href"),
    "language": ("language", "lang"),
    "id": ("id", "doc_id", "article_id", "uuid"),
}  # fmt: skip
# Tried only when none of the date fields gives a date: the original string as scraped.
DATE_FALLBACK_NAMES = ("date_raw", "raw_date")
PRECISION_NAMES = ("date_precision",)
_PRECISION_RANK: dict[str, int] = {"year": 0, "month": 1, "day": 2}

# Records scanned before a file whose records all lack a text field is rejected as a whole.
_TEXT_FIELD_PROBE = 100
_ID_MAX_CHARS = 200
_SAMPLE_BYTES = 64 * 1024
_PARQUET_BATCH_ROWS = 2048
# Lines past the record limit are skipped in pieces of this many characters.
_SKIP_CHARS = 1024 * 1024
_RECORD_LIMIT_NOTE = "the most read for one record (the limit grows with PRESSWATCH_MAX_TEXT_CHARS)"
# JSON's \uXXXX escapes can spell half a surrogate pair ("\ud800"): a string Python holds
# but cannot encode as UTF-8, so detection and the store would fail on it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class RecordOptions:
    """What record readers need from the run options and limits."""

    source: str | None = None
    column_map: Mapping[str, str] = field(default_factory=dict)
    max_text_chars: int = 2_000_000
    max_record_bytes: int = 200 * 1024 * 1024


def _normalise_name(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Which key of a record holds which field (None when absent)."""

    text: str | None
    title: str | None
    source: str | None
    url: str | None
    language: str | None
    id: str | None
    dates: tuple[str, ...]
    date_fallbacks: tuple[str, ...]
    precision: str | None
    missing_mapped: tuple[str, ...] = ()


def resolve_fields(keys: Iterable[str], column_map: Mapping[str, str]) -> FieldMap:
    """Find the key for each field among ``keys``; ``column_map`` (field -> column) wins."""
    by_norm: dict[str, str] = {}
    for key in keys:
        by_norm.setdefault(_normalise_name(key), key)
    found: dict[str, str | None] = {}
    missing: list[str] = []
    for fld in FIELDS:
        mapped = column_map.get(fld)
        if mapped is not None:
            hit = by_norm.get(_normalise_name(mapped))
            if hit is None:
                missing.append(f"{fld}={mapped}")
            found[fld] = hit
            continue
        found[fld] = next((by_norm[n] for n in FIELD_NAMES[fld] if n in by_norm), None)
    mapped_date = found["date"]
    if "date" in column_map:
        dates: tuple[str, ...] = (mapped_date,) if mapped_date else ()
        fallbacks: tuple[str, ...] = ()
    else:
        dates = tuple(by_norm[n] for n in FIELD_NAMES["date"] if n in by_norm)
        fallbacks = tuple(by_norm[n] for n in DATE_FALLBACK_NAMES if n in by_norm)
    precision = next((by_norm[n] for n in PRECISION_NAMES if n in by_norm), None)
    return FieldMap(
        text=found["text"],
        title=found["title"],
        source=found["source"],
        url=found["url"],
        language=found["language"],
        id=found["id"],
        dates=dates,
        date_fallbacks=fallbacks,
        precision=precision,
        missing_mapped=tuple(missing),
    )


# --- values -> fields ------------------------------------------------------------------

_EPOCH_RE = re.compile(r"^-?\d{9,19}(?:\.\d+)?$")
# Compact digit-only dates (GDELT-style 20210601 and 20210601123000) before epoch numbers.
_COMPACT_FORMATS = {8: "%Y%m%d", 14: "%Y%m%d%H%M%S"}
_MIN_YEAR, _MAX_YEAR = 1900, 2100


def _from_epoch(value: float) -> ParsedDate | None:
    """Seconds, milliseconds, microseconds or nanoseconds since 1970, told apart by size."""
    magnitude = abs(value)
    for divisor in (1, 1e3, 1e6, 1e9):
        if magnitude / divisor < 1e11:
            seconds = value / divisor
            break
    else:
        return None
    try:
        moment = datetime(1970, 1, 1) + timedelta(seconds=seconds)
    except OverflowError:
        return None
    if not _MIN_YEAR <= moment.year <= _MAX_YEAR:
        return None
    return ParsedDate(moment, "day", "UTC")


def _from_compact(digits: str) -> ParsedDate | None:
    fmt = _COMPACT_FORMATS.get(len(digits))
    if fmt is None:
        return None
    try:
        moment = datetime.strptime(digits, fmt)
    except ValueError:
        return None
    return ParsedDate(moment, "day") if _MIN_YEAR <= moment.year <= _MAX_YEAR else None


def _from_datetime(value: datetime) -> ParsedDate | None:
    tz: str | None = None
    if value.tzinfo is not None:
        offset = value.utcoffset()
        name = value.tzname()
        if name and not name.startswith(("UTC+", "UTC-")):
            tz = name
        elif offset is not None:
            total = int(offset.total_seconds() // 60)
            tz = f"{'+' if total >= 0 else '-'}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
        value = value.astimezone(UTC).replace(tzinfo=None)
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        return None
    return ParsedDate(value, "day", tz)


def to_parsed_date(value: Any) -> ParsedDate | None:
    """A date from a field value: ISO/free-text string, epoch number, year, date or datetime."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return _from_datetime(value)
    if isinstance(value, date):
        return ParsedDate(datetime(value.year, value.month, value.day), "day")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        if float(value).is_integer():
            if _MIN_YEAR <= value <= _MAX_YEAR:
                return ParsedDate(datetime(int(value), 1, 1), "year")
            compact = _from_compact(str(int(value)))
            if compact is not None:
                return compact
        return _from_epoch(float(value))
    if isinstance(value, str):
        s = value.strip()
        if not s:
            return None
        if s.isdigit():
            compact = _from_compact(s)
            if compact is not None:
                return compact
        if _EPOCH_RE.match(s):
            return _from_epoch(float(s))
        return parse_date(s)
    return None


def _score(parsed: ParsedDate) -> tuple[int, int]:
    has_time = parsed.tz is not None or parsed.value.time() != datetime.min.time()
    return (_PRECISION_RANK[parsed.precision], int(has_time))


def pick_date(record: Mapping[str, Any], fields: FieldMap) -> ParsedDate | None:
    """The most precise usable date among the record's date fields, honouring date_precision."""
    best: ParsedDate | None = None
    for key in fields.dates:
        parsed = to_parsed_date(record.get(key))
        if parsed is not None and (best is None or _score(parsed) > _score(best)):
            best = parsed
    if best is None:
        for key in fields.date_fallbacks:
            best = to_parsed_date(record.get(key))
            if best is not None:
                break
    if best is not None and fields.precision is not None:
        stated = record.get(fields.precision)
        if isinstance(stated, str) and stated.strip().lower() in _PRECISION_RANK:
            level: DatePrecision = stated.strip().lower()  # type: ignore[assignment]
            if _PRECISION_RANK[level] < _PRECISION_RANK[best.precision]:
                best = replace(best, precision=level)
    return best


def _is_missing(value: Any) -> bool:
    """None, and the NaN that spreadsheets and pandas write for an empty cell."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text_value(value: Any) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(str(v) for v in value if isinstance(v, str | int | float))
    if isinstance(value, dict | bool):
        return ""
    return str(value)


def _value_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, bytes):
        return "bytes"
    return f"a number ({value!r})"


def _storable(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD, as a UTF-8 decoder would do."""
    if text.isascii():
        return text
    try:
        text.encode("utf-8")  # one pass in C: cheaper than searching with the pattern
    except UnicodeEncodeError:
        return _LONE_SURROGATE.sub("\ufffd", text)
    return text


def _short_value(value: Any) -> str | None:
    """A one-line string field (title, url, language); dicts like {"name": ...} give the name."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("title")
    if _is_missing(value) or isinstance(value, bool | dict | list):
        return None
    s = " ".join(_storable(str(value)).replace("\x00", "").split())
    return s or None


def _clean_text(text: str) -> str:
    text = _storable(text)
    if "\x00" in text:
        text = text.replace("\x00", "")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _describe_keys(keys: Iterable[str]) -> str:
    names = [str(k) for k in keys]
    shown = ", ".join(repr(k) for k in names[:30])
    return shown + (f" and {len(names) - 30} more" if len(names) > 30 else "") if names else "none"


def missing_text_reject(origin: str, keys: Iterable[str], kind: str) -> Reject:
    """One file-level reject for a file whose records carry no text field."""
    known = "/".join(FIELD_NAMES["text"][:5])
    return Reject(
        origin,
        "missing-text-column",
        f"no text {kind} found (looked for {known}, …); the file has {kind}s "
        f"{_describe_keys(keys)}. Name the text {kind} with --map text=NAME.",
    )


def record_to_article(
    record: Mapping[str, Any],
    fields: FieldMap,
    origin: str,
    origin_record: str,
    options: RecordOptions,
) -> Article | Reject:
    """One record -> Article or Reject; a value that breaks the conversion rejects the record.

    The guard keeps one odd record (e.g. a list nested too deeply to turn into text) from
    ending the reading of its file.
    """
    try:
        return _record_to_article(record, fields, origin, origin_record, options)
    except Exception as exc:
        return Reject(
            origin,
            "invalid-record",
            f"the record cannot be read: {type(exc).__name__}: {_storable(str(exc))[:300]}",
            origin_record,
        )


def _record_to_article(
    record: Mapping[str, Any],
    fields: FieldMap,
    origin: str,
    origin_record: str,
    options: RecordOptions,
) -> Article | Reject:
    """One record -> Article, or Reject("empty-text"/"text-too-long").

    A record whose text field is empty but which has a title is kept with the title as its
    text (headline-only items); with neither, it is rejected as "empty-text".
    """
    ident = _short_value(record.get(fields.id)) if fields.id else None
    where = f"{origin_record} (id {ident[:_ID_MAX_CHARS]})" if ident else origin_record
    for role, key in (("text", fields.text), ("title", fields.title)):
        value = record.get(key) if key else None
        if isinstance(value, int | float | bytes) and not _is_missing(value):
            # A number or bytes would be stored as its Python spelling ("inf", "b'…'").
            return Reject(
                origin,
                "invalid-field-type",
                f"the {role} field {key!r} holds {_value_type(value)}, not text",
                where,
            )
    text = _clean_text(_text_value(record.get(fields.text))) if fields.text else ""
    title = _short_value(record.get(fields.title)) if fields.title else None
    if not text and fields.text and title:
        # A headline-only item (wire "BRIEF"s, headline feeds): the headline is its text.
        text = title
    if not text:
        detail = (
            f"the {fields.text!r} field is empty"
            if fields.text
            else f"the record has no text field (fields: {_describe_keys(record.keys())})"
        )
        return Reject(origin, "empty-text", detail, where)
    if len(text) > options.max_text_chars:
        return Reject(
            origin,
            "text-too-long",
            f"the text has {len(text):,} characters, more than the limit of "
            f"{options.max_text_chars:,} (raise it with PRESSWATCH_MAX_TEXT_CHARS)",
            where,
        )
    source = options.source
    if source is None and fields.source:
        source = _short_value(record.get(fields.source))
    language = _short_value(record.get(fields.language)) if fields.language else None
    return Article(
        text=text,
        origin_file=origin,
        title=title,
        date=pick_date(record, fields),
        source=source,
        url=_short_value(record.get(fields.url)) if fields.url else None,
        # "en-US" -> "en": the primary language code, as the HTML reader stores it.
        language=re.split(r"[-_]", language)[0].lower() or None if language else None,
        origin_record=where,
    )


class _RecordConverter:
    """Turns a stream of key-value records into articles, with the missing-text-field rule.

    Records whose keys hold no text field are held back until a record with one appears;
    if none does within the first records (or the whole file), one file-level
    "missing-text-column" reject replaces them, instead of a reject per record. A ``fixed``
    map (a header's, already checked to name a text column) serves every record.
    """

    def __init__(self, origin: str, options: RecordOptions, fixed: FieldMap | None) -> None:
        self.origin = origin
        self.options = options
        self._fixed = fixed
        self._cache: dict[tuple[str, ...], FieldMap] = {}
        self._seen_text_field = False
        self._held: list[Reject] = []
        self._held_keys: dict[str, None] = {}
        self.stopped = False

    def fields_for(self, keys: tuple[str, ...]) -> FieldMap:
        fields = self._cache.get(keys)
        if fields is None:
            if len(self._cache) > 1024:
                self._cache.clear()
            fields = resolve_fields(keys, self.options.column_map)
            self._cache[keys] = fields
        return fields

    def convert(self, record: Mapping[str, Any], where: str) -> Iterator[Article | Reject]:
        fields = self._fixed or self.fields_for(tuple(record.keys()))
        result = record_to_article(record, fields, self.origin, where, self.options)
        if fields.text is None and not self._seen_text_field and isinstance(result, Reject):
            self._held.append(result)
            self._held_keys.update(dict.fromkeys(record))
            if len(self._held) >= _TEXT_FIELD_PROBE:
                yield self._give_up()
            return
        if not self._seen_text_field:
            self._seen_text_field = True
            yield from self._held
            self._held.clear()
        yield result

    def _give_up(self) -> Reject:
        self.stopped = True
        self._held.clear()
        return missing_text_reject(self.origin, self._held_keys, "field")

    def finish(self) -> Iterator[Reject]:
        if self._held and not self.stopped:
            yield self._give_up()


@dataclass(frozen=True, slots=True)
class _Bad:
    """A record that could not be read as one (its reject's reason and detail)."""

    reason: str
    detail: str
    # Reading cannot go on past it (a broken array, an unreadable Parquet page): the loop
    # ends there, and records held back for the missing-text-field rule are dropped.
    final: bool = False

    def reject(self, origin: str, where: str) -> Reject:
        return Reject(origin, self.reason, self.detail, where)


def _too_large(what: str, limit: int, unit: str = "characters", *, final: bool = False) -> _Bad:
    return _Bad(
        "record-too-large",
        f"the {what} is longer than {limit:,} {unit}, {_RECORD_LIMIT_NOTE}",
        final,
    )


_NOT_AN_OBJECT = "the record is {}, not an object"


def _articles(
    items: Iterable[tuple[int, Any]],
    origin: str,
    options: RecordOptions,
    label: str,
    *,
    fields: FieldMap | None = None,
    not_an_object: str = _NOT_AN_OBJECT,
) -> Iterator[Article | Reject]:
    """The one record loop every format feeds: (position, item) pairs -> articles and rejects.

    An item is a record (a dict), a ``_Bad`` the format met in its place, or (JSON) another
    value, rejected with ``not_an_object``. ``label`` names the position ("line 3"). With
    ``fields`` (CSV and Parquet: one header for the whole file) every record uses that map;
    without, each record's keys are resolved on their own.
    """
    converter = _RecordConverter(origin, options, fields)
    for number, item in items:
        where = f"{label} {number}"
        if isinstance(item, dict):
            yield from converter.convert(item, where)
            if converter.stopped:
                return
        elif isinstance(item, _Bad):
            yield item.reject(origin, where)
            if item.final:
                return
        else:
            yield Reject(origin, "invalid-record", not_an_object.format(_json_type(item)), where)
    yield from converter.finish()


# --- JSON lines ------------------------------------------------------------------------


def _check_text_start(sample: bytes) -> None:
    """Refuse binary content early rather than producing a reject per garbage line."""
    what = sniff_binary(sample)
    if what is not None:
        raise DecodeError("binary-file", f"the file is {what}, not text")
    if bom_encoding(sample) is None and utf16_without_bom(sample) is None:
        if control_ratio(sample) > 0.10:
            raise DecodeError("binary-file", "the file is mostly control bytes, not text")


def _line_ended(line: str | bytes) -> bool:
    """Whether ``line`` (from readline) ends its line; a byte line ends only at a newline."""
    if isinstance(line, bytes):
        return line.endswith(b"\n")
    return line.endswith(("\n", "\r"))


def _cut_short(line: str | bytes, limit: int) -> bool:
    """Whether ``readline(limit + 1)`` stopped inside a line longer than ``limit``."""
    return len(line) > limit and not _line_ended(line)


def _skip_rest_of_line(stream: IO[Any]) -> None:
    """Read past the end of the current line a piece at a time, keeping none of it."""
    while chunk := stream.readline(_SKIP_CHARS):
        if _line_ended(chunk):
            return


def _decoded(head: bytes, stream: IO[bytes], *, newline: str | None = None) -> IO[str]:
    """The text of a stream whose first bytes, already read, are ``head``."""
    codec, errors = _stream_encoding(head)
    return io.TextIOWrapper(
        io.BufferedReader(_Prefixed(head, stream)), encoding=codec, errors=errors, newline=newline
    )


def _jsonl_lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, str | None]]:
    """(line number, decoded line) pairs; None for a line longer than ``max_bytes``."""
    head = stream.read(_SAMPLE_BYTES)
    buffered = io.BufferedReader(_Prefixed(head, stream))
    _check_text_start(head)
    encoding = _wide_encoding(head)
    if encoding is not None:
        # UTF-16/32 JSON lines: let the text layer split lines (the limit counts characters).
        text_stream = io.TextIOWrapper(buffered, encoding=encoding, errors="replace")
        lines = _CappedLines(text_stream, max_bytes)
        number = 0
        while True:
            number += 1
            try:
                yield number, next(lines)
            except StopIteration:
                return
            except RecordTooLarge:
                yield number, None
    # Byte encodings are line-compatible: split on b"\n", decode each line on its own.
    codec, errors = _stream_encoding(head)
    if codec == "utf-8-sig":
        codec = "utf-8"
    number = 0
    while True:
        raw = buffered.readline(max_bytes + 1)
        if not raw:
            return
        number += 1
        if _cut_short(raw, max_bytes):
            _skip_rest_of_line(buffered)
            yield number, None
            continue
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8) :]
        yield number, raw.decode(codec, errors=errors)


def _json_type(value: Any) -> str:
    return {
        list: "an array",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _jsonl_records(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value or _Bad) for each line that is not blank."""
    decoder = json.JSONDecoder(strict=False)
    for number, line in _jsonl_lines(stream, max_bytes):
        if line is None:
            yield number, _too_large("line", max_bytes, "bytes")
            continue
        if "\x00" in line:
            line = line.replace("\x00", "")
        if not line.strip():
            continue
        try:
            yield number, decoder.decode(line)
        except json.JSONDecodeError as exc:
            yield number, _Bad("invalid-json", f"not valid JSON: {exc.msg} at column {exc.colno}")
        except RecursionError:
            # Arrays nested thousands deep exhaust the parser's stack: that line alone is bad.
            yield number, _Bad("invalid-json", "the JSON is nested too deeply to read")


def read_jsonl(stream: BinaryIO, origin: str, options: RecordOptions) -> Iterator[Article | Reject]:
    """Articles from a JSON-lines stream (one object per line), one line in memory at a time."""
    yield from _articles(
        _jsonl_records(stream, options.max_record_bytes),
        origin,
        options,
        "line",
        not_an_object="the line holds {}, not an object",
    )


# --- JSON documents --------------------------------------------------------------------

_LIST_KEYS = (
    "articles", "items", "data", "records", "results", "documents", "docs", "entries",
    "posts", "news", "rows", "stories",
)  # fmt: skip


def _records_of(document: Any) -> list[Any] | None:
    """The list of records in a JSON document: the array itself or the list under a key."""
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        return None
    by_norm = {_normalise_name(k): k for k in document}
    for name in _LIST_KEYS:
        key = by_norm.get(name)
        if key is not None and isinstance(document[key], list):
            return document[key]
    lists = [v for v in document.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
    if len(lists) == 1:
        return lists[0]
    return [document]  # a single article object


def read_json(data: bytes, origin: str, options: RecordOptions) -> Iterator[Article | Reject]:
    """Articles from a JSON document: an array of objects, or an object holding such a list."""
    try:
        text = decode_text(data)
    except DecodeError as exc:
        yield Reject(origin, exc.reason, exc.detail)
        return
    try:
        document = json.loads(text, strict=False)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":
            # Concatenated objects, i.e. JSON lines saved as .json.
            yield from read_jsonl(io.BytesIO(text.encode("utf-8")), origin, options)
            return
        yield Reject(
            origin,
            "invalid-json",
            f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
        )
        return
    except RecursionError:
        yield Reject(origin, "invalid-json", "the JSON is nested too deeply to read")
        return
    records = _records_of(document)
    if records is None:
        yield Reject(
            origin,
            "unrecognised-json",
            f"the document is {_json_type(document)}; expected an array of article objects "
            f"or an object with a list under one of {', '.join(_LIST_KEYS[:4])}, …",
        )
        return
    yield from _articles(enumerate(records, start=1), origin, options, "record")


def read_json_stream(
    stream: BinaryIO, origin: str, options: RecordOptions
) -> Iterator[Article | Reject]:
    """Articles from a JSON document on a stream; a top-level array is read item by item.

    ``json.loads`` of a large array holds the bytes, the text and every parsed record at
    once, several times the file's size; parsing one array item at a time holds one item.
    Other documents (an object with a list under a key, UTF-16/32) are read whole by
    ``read_json``.
    """
    head = stream.read(_SAMPLE_BYTES)
    first = head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")[:1]
    if first != b"[" or _wide_encoding(head) is not None:
        chunks = [head]
        while chunk := stream.read(_SKIP_CHARS):
            chunks.append(chunk)
        yield from read_json(b"".join(chunks), origin, options)
        return
    items = _array_items(_decoded(head, stream), options.max_record_bytes)
    yield from _articles(enumerate(items, start=1), origin, options, "record")


def _array_items(text_stream: IO[str], max_chars: int) -> Iterator[Any]:
    """The items of the JSON array on ``text_stream``, parsed one at a time."""
    decoder = json.JSONDecoder(strict=False)
    buffer = text_stream.read(_SKIP_CHARS).lstrip("\ufeff \t\r\n")[1:]  # past the "["
    pos = 0
    at_end = False
    want = _SKIP_CHARS
    expect_item = True
    while True:
        while pos < len(buffer) and buffer[pos] in " \t\r\n":
            pos += 1
        if pos >= len(buffer):
            if at_end:
                yield _Bad("invalid-json", "not valid JSON: the array is not closed", final=True)
                return
            buffer, pos = buffer[pos:] + text_stream.read(want), 0
            at_end = pos >= len(buffer)
            continue
        char = buffer[pos]
        if char == "]":
            return
        if char == ",":
            if expect_item:
                yield _Bad(
                    "invalid-json", "not valid JSON: a comma where an item should be", final=True
                )
                return
            pos += 1
            expect_item = True
            continue
        try:
            item, end = decoder.raw_decode(buffer, pos)
        except json.JSONDecodeError as exc:
            item, end, error = None, -1, exc.msg
        except RecursionError:
            yield _Bad("invalid-json", "the JSON is nested too deeply to read", final=True)
            return
        # An item that ends at the end of the buffer may go on in the next piece.
        if end < 0 or (end >= len(buffer) and not at_end):
            if at_end:
                yield _Bad("invalid-json", f"not valid JSON: {error}", final=True)
                return
            if len(buffer) - pos > max_chars:
                yield _too_large("record", max_chars, final=True)
                return
            more = text_stream.read(want)
            want = min(want * 2, max_chars + 1)  # doubling: each item is parsed O(1) times
            at_end = not more
            buffer, pos = buffer[pos:] + more, 0
            continue
        want = _SKIP_CHARS
        if not expect_item:
            yield _Bad(
                "invalid-json", "not valid JSON: a comma is missing between items", final=True
            )
            return
        expect_item = False
        yield item
        pos = end


# --- CSV / TSV -------------------------------------------------------------------------


class _Prefixed(io.RawIOBase):
    """A raw stream that serves ``prefix`` and then the rest of ``inner``."""

    def __init__(self, prefix: bytes, inner: IO[bytes]) -> None:
        self._prefix = memoryview(prefix)
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._prefix:
            n = min(len(view), len(self._prefix))
            view[:n] = self._prefix[:n]
            self._prefix = self._prefix[n:]
            return n
        data = self._inner.read(len(view))
        view[: len(data)] = data
        return len(data)


def _wide_encoding(sample: bytes) -> str | None:
    """The UTF-16/32 codec for a stream starting with ``sample``, or None for byte encodings."""
    bom = bom_encoding(sample)
    if bom is not None and bom != "utf-8":
        return bom.replace("-le", "").replace("-be", "")  # this codec consumes the BOM
    return utf16_without_bom(sample)


def _stream_encoding(sample: bytes) -> tuple[str, str]:
    """(codec, error handler) for a text stream whose first bytes are ``sample``."""
    wide = _wide_encoding(sample)
    if wide is not None:
        return wide, "replace"
    if bom_encoding(sample) == "utf-8" or mostly_utf8(sample):
        return "utf-8-sig", UTF8_WITH_CP1252_FALLBACK
    legacy = legacy_encoding(sample)
    return legacy, UTF8_WITH_CP1252_FALLBACK if legacy == "cp1252" else "replace"


def _guess_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _raise_csv_field_limit(limit: int) -> None:
    """Let a cell hold a whole article (the csv default of 128 KiB is too small)."""
    wanted = min(limit, 2**31 - 1)  # the limit is a C long on some platforms
    if csv.field_size_limit() < wanted:
        csv.field_size_limit(wanted)


def read_csv(
    stream: BinaryIO, origin: str, options: RecordOptions, *, delimiter: str | None = None
) -> Iterator[Article | Reject]:
    """Articles from a CSV/TSV stream with a header row; "row 2" is the first data row."""
    _raise_csv_field_limit(options.max_record_bytes)
    sample = stream.read(_SAMPLE_BYTES)
    _check_text_start(sample)
    text_stream = _decoded(sample, stream, newline="")
    limit = options.max_record_bytes
    first = text_stream.readline(limit + 1)
    if _cut_short(first, limit):
        yield _too_large("header line", limit).reject(origin, "row 1")
        return
    if delimiter is None:
        delimiter = _guess_delimiter(first)
    reader = csv.reader(_CappedLines(text_stream, limit, first), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.replace("\x00", "").strip() for h in header]
    fields = resolve_fields([h for h in header if h], options.column_map)
    problem = _header_problem(origin, fields, header)
    if problem is not None:
        yield problem
        return
    positions = {name: header.index(name) for name in _wanted_columns(fields)}
    rows = _csv_rows(reader, positions, limit)
    yield from _articles(rows, origin, options, "row", fields=fields)


def _csv_rows(
    reader: Iterator[list[str]], positions: Mapping[str, int], limit: int
) -> Iterator[tuple[int, dict[str, str | None] | _Bad]]:
    """(row number, record of the wanted columns or _Bad) per data row that is not blank."""
    row_number = 1  # the header
    while True:
        row_number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield row_number, _Bad("invalid-csv-row", f"unreadable CSV row: {exc}")
            continue
        except RecordTooLarge:
            yield row_number, _too_large("row", limit)
            continue
        if not row or not any(cell.strip() for cell in row):
            continue
        yield row_number, {name: row[i] if i < len(row) else None for name, i in positions.items()}


def _header_problem(origin: str, fields: FieldMap, columns: list[str]) -> Reject | None:
    """A file-level Reject when a CSV header or Parquet schema gives no usable text column."""
    if fields.missing_mapped:
        return Reject(
            origin,
            "missing-mapped-column",
            f"--map names {', '.join(fields.missing_mapped)} but the file has columns "
            f"{_describe_keys(columns)}",
        )
    if fields.text is None:
        return missing_text_reject(origin, columns, "column")
    return None


class RecordTooLarge(Exception):
    """A line longer than the record limit; it has been skipped to its end."""


class _CappedLines:
    """The lines of a text stream, each read up to ``limit`` characters and no further.

    Iterating a text stream reads a whole line however long, so one huge CSV cell on a
    single line would sit in memory several times over. A longer line is skipped to
    its end and raises RecordTooLarge once; iteration goes on with the next line (the
    csv reader starts a fresh record on its next call).
    """

    def __init__(self, stream: IO[str], limit: int, first: str | None = None) -> None:
        self._stream = stream
        self._limit = limit
        self._first = first

    def __iter__(self) -> _CappedLines:
        return self

    def __next__(self) -> str:
        if self._first is not None:
            line, self._first = self._first, None
        else:
            line = self._stream.readline(self._limit + 1)
        if not line:
            raise StopIteration
        if _cut_short(line, self._limit):
            _skip_rest_of_line(self._stream)
            raise RecordTooLarge
        return line


def _wanted_columns(fields: FieldMap) -> list[str]:
    names = [
        fields.text, fields.title, fields.source, fields.url, fields.language, fields.id,
        fields.precision, *fields.dates, *fields.date_fallbacks,
    ]  # fmt: skip
    return list(dict.fromkeys(n for n in names if n))


# --- Parquet ---------------------------------------------------------------------------


def _is_text_type(arrow_type: Any, *, lists: bool) -> bool:
    """Whether a column of this Arrow type holds text (strings; lists of strings for text)."""
    import pyarrow.types as pt

    if pt.is_dictionary(arrow_type):
        arrow_type = arrow_type.value_type
    if pt.is_null(arrow_type) or pt.is_string(arrow_type) or pt.is_large_string(arrow_type):
        return True
    if getattr(pt, "is_string_view", None) is not None and pt.is_string_view(arrow_type):
        return True
    if lists and (pt.is_list(arrow_type) or pt.is_large_list(arrow_type)):
        return _is_text_type(arrow_type.value_type, lists=False)
    return False


def _column_type_problem(schema: Any, fields: FieldMap, origin: str) -> Reject | None:
    """A file-level Reject when the text or title column does not hold strings.

    Bytes and numbers would otherwise be stored as their Python spelling (``b'…'``,
    ``inf``): an article nobody wrote.
    """
    for role, name in (("text", fields.text), ("title", fields.title)):
        if name is None:
            continue
        arrow_type = schema.field(name).type
        if not _is_text_type(arrow_type, lists=role == "text"):
            return Reject(
                origin,
                "invalid-column-type",
                f"the {role} column {name!r} holds {arrow_type} values, not text "
                f"(string); name a text column with --map {role}=NAME",
            )
    return None


def _batch_rows(batch: Any) -> tuple[list[dict[str, Any]], dict[int, tuple[str, str]]]:
    """The rows of a record batch as dicts, and {row index: (column, error)} for bad cells.

    A value Python cannot hold (a timestamp past year 9999) makes the whole batch's
    conversion fail; converting that column cell by cell keeps the rest of the batch.
    """
    try:
        return batch.to_pylist(), {}
    except (OverflowError, ValueError, ArithmeticError) as exc:
        first_error = exc
    bad: dict[int, tuple[str, str]] = {}
    columns: dict[str, list[Any]] = {}
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        try:
            columns[name] = column.to_pylist()
            continue
        except (OverflowError, ValueError, ArithmeticError):
            pass
        values: list[Any] = []
        for index in range(len(column)):
            try:
                values.append(column[index].as_py())
            except (OverflowError, ValueError, ArithmeticError) as exc:
                values.append(None)
                bad.setdefault(index, (name, str(exc) or type(exc).__name__))
        columns[name] = values
    if not bad:
        raise first_error  # not a cell's fault: let the file-level handler report it
    names = list(columns)
    rows = [dict(zip(names, cells, strict=True)) for cells in zip(*columns.values(), strict=True)]
    return rows, bad


def read_parquet(
    source: str | BinaryIO, origin: str, options: RecordOptions
) -> Iterator[Article | Reject]:
    """Articles from a Parquet file, read in record batches of only the needed columns.

    A cell that cannot be converted (a timestamp out of Python's range) rejects its row,
    naming the row and column; the other rows of the batch still load.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(source)
    except (pa.ArrowException, OSError, ValueError) as exc:
        yield Reject(origin, "invalid-parquet", f"not a readable Parquet file: {exc}")
        return
    columns = list(parquet.schema_arrow.names)
    fields = resolve_fields(columns, options.column_map)
    problem = _header_problem(origin, fields, columns) or _column_type_problem(
        parquet.schema_arrow, fields, origin
    )
    if problem is not None:
        yield problem
        return
    rows = _parquet_rows(parquet, _wanted_columns(fields))
    yield from _articles(rows, origin, options, "row", fields=fields)


def _parquet_rows(parquet: Any, columns: list[str]) -> Iterator[tuple[int, dict[str, Any] | _Bad]]:
    """(row number, record or _Bad) per row, read in record batches of ``columns``."""
    import pyarrow as pa

    row_number = 0
    try:
        for batch in parquet.iter_batches(batch_size=_PARQUET_BATCH_ROWS, columns=columns):
            rows, bad = _batch_rows(batch)
            for index, record in enumerate(rows):
                row_number += 1
                if index in bad:
                    column, error = bad[index]
                    detail = f"the {column!r} column holds a value that cannot be read ({error})"
                    yield row_number, _Bad("invalid-value", detail)
                    continue
                yield row_number, record
    except (pa.ArrowException, OSError, ValueError, OverflowError) as exc:
        detail = f"reading stopped after {row_number:,} rows: {exc}"
        yield row_number + 1, _Bad("invalid-parquet", detail, final=True)
