"""The same records read as JSON lines, a JSON array, CSV and Parquet give the same results.

Every format feeds one record loop; these tests pin that the loop treats a record alike
whatever file it came in, and that only the position label differs by format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from presswatch.ingest.structured import (
    RecordOptions,
    read_csv,
    read_json,
    read_json_stream,
    read_jsonl,
    read_parquet,
)
from presswatch.models import Article, Reject

OPTS = RecordOptions(max_text_chars=50)
COLUMNS = ("id", "title", "text", "date")
RECORDS = [
    {"id": "empty", "title": "", "text": "", "date": ""},
    {"id": "long", "title": "Long", "text": "x" * 51, "date": ""},
    {"id": "brief", "title": "Only a headline", "text": "", "date": "2021-06-01"},
    {"id": "fine", "title": "Fine", "text": "A normal\r\nbody.", "date": "2021-06-02T10:00:00Z"},
]


def _jsonl(options: RecordOptions) -> Iterator[Article | Reject]:
    data = "".join(json.dumps(r) + "\n" for r in RECORDS).encode()
    return read_jsonl(io.BytesIO(data), "f", options)


def _json(options: RecordOptions) -> Iterator[Article | Reject]:
    return read_json(json.dumps(RECORDS).encode(), "f", options)


def _json_stream(options: RecordOptions) -> Iterator[Article | Reject]:
    return read_json_stream(io.BytesIO(json.dumps(RECORDS).encode()), "f", options)


def _csv(options: RecordOptions) -> Iterator[Article | Reject]:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows([[r[c] for c in COLUMNS] for r in RECORDS])
    return read_csv(io.BytesIO(out.getvalue().encode()), "f", options)


def _parquet(options: RecordOptions) -> Iterator[Article | Reject]:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pylist(RECORDS), sink)
    sink.seek(0)
    return read_parquet(sink, "f", options)


# (reader, label of the first record's position, number of the first record)
FORMATS: dict[str, tuple[Callable[[RecordOptions], Iterator[Article | Reject]], str, int]] = {
    "jsonl": (_jsonl, "line", 1),
    "json": (_json, "record", 1),
    "json-stream": (_json_stream, "record", 1),
    "csv": (_csv, "row", 2),  # row 1 is the header
    "parquet": (_parquet, "row", 1),
}


@pytest.mark.parametrize("name", FORMATS)
def test_each_format_gives_the_same_rejects_and_articles(name: str) -> None:
    reader, label, first = FORMATS[name]
    items = list(reader(OPTS))
    summary = [
        (i.reason, i.detail, i.origin_record)
        if isinstance(i, Reject)
        else (i.title, i.text, i.date and i.date.value.isoformat(), i.origin_record)
        for i in items
    ]

    def at(n: int, ident: str) -> str:
        return f"{label} {first + n} (id {ident})"

    assert summary == [
        ("empty-text", "the 'text' field is empty", at(0, "empty")),
        (
            "text-too-long",
            "the text has 51 characters, more than the limit of 50 "
            "(raise it with PRESSWATCH_MAX_TEXT_CHARS)",
            at(1, "long"),
        ),
        ("Only a headline", "Only a headline", "2021-06-01T00:00:00", at(2, "brief")),
        ("Fine", "A normal\nbody.", "2021-06-02T10:00:00", at(3, "fine")),
    ]


@pytest.mark.parametrize("name", ["csv", "parquet"])
def test_a_mapped_column_that_is_absent_rejects_the_file_alike(name: str) -> None:
    reader, _, _ = FORMATS[name]
    options = RecordOptions(column_map={"text": "body_missing"})
    items = list(reader(options))
    assert [(i.reason, i.detail) for i in items if isinstance(i, Reject)] == [
        (
            "missing-mapped-column",
            "--map names text=body_missing but the file has columns 'id', 'title', 'text', 'date'",
        )
    ]
    assert len(items) == 1


def _reasons(items: list[Article | Reject]) -> list[tuple[str, ...]]:
    return [
        (i.reason, i.detail, i.origin_record or "")
        if isinstance(i, Reject)
        else ("article", i.text, i.origin_record or "")
        for i in items
    ]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ('[{"text": "a"}, {"text": "b"} {"text": "c"}]', "a comma is missing between items"),
        ('[{"text": "a"}, {"text": "b"}, , {"text": "c"}]', "a comma where an item should be"),
        ('[{"text": "a"}, {"text": "b"}, ', "the array is not closed"),
    ],
)
def test_a_broken_json_array_stops_at_the_break_after_loading_the_items_before(
    body: str, detail: str
) -> None:
    items = list(read_json_stream(io.BytesIO(body.encode()), "f", RecordOptions()))
    assert _reasons(items) == [
        ("article", "a", "record 1"),
        ("article", "b", "record 2"),
        ("invalid-json", f"not valid JSON: {detail}", "record 3"),
    ]


def test_a_value_that_is_not_an_object_rejects_its_record_and_reading_goes_on() -> None:
    lines = b'{"text": "a"}\n[1, 2]\n"b"\n{"text": "c"}\n'
    assert _reasons(list(read_jsonl(io.BytesIO(lines), "f", RecordOptions()))) == [
        ("article", "a", "line 1"),
        ("invalid-record", "the line holds an array, not an object", "line 2"),
        ("invalid-record", "the line holds a string, not an object", "line 3"),
        ("article", "c", "line 4"),
    ]
    array = b'[{"text": "a"}, 5, null, {"text": "c"}]'
    expected = [
        ("article", "a", "record 1"),
        ("invalid-record", "the record is a number, not an object", "record 2"),
        ("invalid-record", "the record is null, not an object", "record 3"),
        ("article", "c", "record 4"),
    ]
    assert _reasons(list(read_json(array, "f", RecordOptions()))) == expected
    assert _reasons(list(read_json_stream(io.BytesIO(array), "f", RecordOptions()))) == expected
