"""One unreadable value costs its row only; text and title columns must hold text."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from presswatch.ingest.structured import RecordOptions, read_jsonl, read_parquet
from presswatch.models import Article, Reject

OPTS = RecordOptions()
# 10000-01-01 in microseconds since 1970: a valid Arrow timestamp past Python's datetime.
_YEAR_10000_US = 253_402_300_800 * 1_000_000


def _parquet(table: pa.Table, row_group_size: int = 1000) -> io.BytesIO:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=row_group_size)
    buffer.seek(0)
    return buffer


def test_one_out_of_range_timestamp_rejects_its_row_only() -> None:
    n, bad_row = 5000, 1235
    stamps = [
        _YEAR_10000_US if i == bad_row - 1 else 1_600_000_000_000_000 + i * 86_400_000_000
        for i in range(n)
    ]
    table = pa.table(
        {
            "text": [f"Article number {i}." for i in range(n)],
            "published": pa.array(stamps, type=pa.timestamp("us")),
        }
    )
    items = list(read_parquet(_parquet(table), "f.parquet", OPTS))
    articles = [i for i in items if isinstance(i, Article)]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert len(articles) == n - 1
    (reject,) = rejects
    assert reject.reason == "invalid-value"
    assert reject.origin_record == f"row {bad_row}"
    assert "'published'" in reject.detail and "out of range" in reject.detail
    # The rows after the bad one keep their place and their dates.
    assert articles[bad_row - 1].text == f"Article number {bad_row}."
    after = articles[bad_row - 1].date
    assert after is not None
    assert after.value == datetime(1970, 1, 1) + timedelta(microseconds=stamps[bad_row])


@pytest.mark.parametrize(
    ("column", "arrow_type", "shown"),
    [
        ("text", pa.binary(), "binary"),
        ("text", pa.float64(), "double"),
        ("text", pa.int64(), "int64"),
        ("title", pa.float64(), "double"),
        ("title", pa.large_binary(), "large_binary"),
    ],
)
def test_a_text_or_title_column_of_another_type_is_rejected(
    column: str, arrow_type: pa.DataType, shown: str
) -> None:
    values = {
        "binary": [b"\x00\x01", b"abc"],
        "large_binary": [b"\x00\x01", b"abc"],
        "double": [float("inf"), 1.5],
        "int64": [1, 2],
    }[shown]
    data = {"text": pa.array(["Body one.", "Body two."]), "title": pa.array(["A", "B"])}
    data[column] = pa.array(values, type=arrow_type)
    (reject,) = read_parquet(_parquet(pa.table(data)), "f.parquet", OPTS)
    assert isinstance(reject, Reject) and reject.reason == "invalid-column-type"
    assert f"{column} column {column!r}" in reject.detail and shown in reject.detail


@pytest.mark.parametrize(
    "arrow_type",
    [pa.string(), pa.large_string(), pa.dictionary(pa.int32(), pa.string())],
)
def test_string_columns_of_every_width_load(arrow_type: pa.DataType) -> None:
    table = pa.table(
        {
            "text": pa.array(["Body one.", "Body two."]).cast(arrow_type),
            "title": pa.array(["A", None]).cast(arrow_type),
        }
    )
    items = list(read_parquet(_parquet(table), "f.parquet", OPTS))
    assert [(i.title, i.text) for i in items if isinstance(i, Article)] == [
        ("A", "Body one."),
        (None, "Body two."),
    ]


def test_json_lines_with_a_number_as_text_or_title_are_rejected_by_line() -> None:
    lines = [
        {"title": "Fine", "text": "A real article."},
        {"title": "Number", "text": 3.5},
        '{"title": "Infinite", "text": Infinity}',
        {"title": 2021, "text": "Body with a numeric title."},
        {"title": "After", "text": "Still loaded."},
    ]
    stream = io.BytesIO(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines).encode() + b"\n"
    )
    items = list(read_jsonl(stream, "f.jsonl", OPTS))
    assert [i.text for i in items if isinstance(i, Article)] == ["A real article.", "Still loaded."]
    rejects = [i for i in items if isinstance(i, Reject)]
    assert [(r.reason, r.origin_record) for r in rejects] == [
        ("invalid-field-type", "line 2"),
        ("invalid-field-type", "line 3"),
        ("invalid-field-type", "line 4"),
    ]
    assert "text field 'text' holds a number (inf)" in rejects[1].detail
    assert "title field 'title'" in rejects[2].detail
