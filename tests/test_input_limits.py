"""Inputs too large to parse are refused before they are read whole (issue 11, item 7).

The limits follow PRESSWATCH_MAX_TEXT_CHARS: a text document may have 8 bytes per
character of it, an HTML page 5, one JSON line or CSV row 16. The tests lower the text
limit so that small files cross them; bench/bench_input_memory.py measures the memory.
"""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from presswatch.ingest.readers import (
    ReadOptions,
    document_limit,
    read_file,
    read_upload,
    record_limit,
)
from presswatch.ingest.structured import RecordOptions, read_csv, read_json_stream, read_jsonl
from presswatch.models import Article, Reject
from presswatch.settings import get_settings

TEXT_CHARS = 1000  # text documents up to 8,000 bytes, pages 5,000, records 16,000
_PROSE = "Ministers of France and Germany met in Geneva on Monday to discuss trade.\n"


@pytest.fixture(autouse=True)
def _small_text_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESSWATCH_MAX_TEXT_CHARS", str(TEXT_CHARS))


def _items(path: Path) -> list[Article | Reject]:
    return list(read_file(path, ReadOptions()))


def _summary(items: list[Article | Reject]) -> list[tuple[str, str | None]]:
    return [
        (i.reason, i.origin_record) if isinstance(i, Reject) else ("article", i.origin_record)
        for i in items
    ]


def test_the_limits_follow_the_text_limit() -> None:
    settings = get_settings()
    assert document_limit("text", settings) == 8 * TEXT_CHARS
    assert document_limit("html", settings) == 5 * TEXT_CHARS
    assert record_limit(settings) == 16 * TEXT_CHARS


def test_a_text_file_past_its_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text("Title\n\n" + _PROSE * 120)  # ~9,000 bytes
    (item,) = _items(path)
    assert isinstance(item, Reject) and item.reason == "too-large"
    assert "PRESSWATCH_MAX_TEXT_CHARS" in item.detail and "1,000 characters" in item.detail
    small = tmp_path / "small.txt"
    small.write_text("Title\n\n" + _PROSE * 10)
    assert [type(i).__name__ for i in _items(small)] == ["Article"]


def test_a_page_past_its_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    page = "<html><body><article>" + "<p>" + _PROSE + "</p>" * 1 + "</article></body></html>"
    path = tmp_path / "huge.html"
    path.write_text(page + " " * (5 * TEXT_CHARS))
    (item,) = _items(path)
    assert isinstance(item, Reject) and item.reason == "too-large"
    assert "HTML page" in item.detail and "PRESSWATCH_MAX_TEXT_CHARS" in item.detail


def test_an_uploaded_text_past_its_limit_is_refused() -> None:
    data = ("Title\n\n" + _PROSE * 120).encode()
    (item,) = read_upload("big.txt", data, ReadOptions())
    assert isinstance(item, Reject) and item.reason == "too-large"


def test_an_archive_member_past_its_limit_is_refused_and_the_others_load(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("huge.txt", "Title\n\n" + _PROSE * 120)
        zf.writestr("small.txt", "Title\n\n" + _PROSE)
    items = _items(path)
    assert [(type(i).__name__, i.origin_file) for i in items] == [
        ("Reject", f"{path}!huge.txt"),
        ("Article", f"{path}!small.txt"),
    ]
    assert isinstance(items[0], Reject) and items[0].reason == "too-large"


def test_one_huge_json_line_is_one_reject_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    lines = [
        {"text": "Before."},
        {"text": "x " * (9 * TEXT_CHARS)},  # 18,000 bytes: past the record limit
        {"text": "After."},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in lines))
    items = _items(path)
    assert _summary(items) == [
        ("article", "line 1"),
        ("record-too-large", "line 2"),
        ("article", "line 3"),
    ]
    reject = items[1]
    assert isinstance(reject, Reject) and "PRESSWATCH_MAX_TEXT_CHARS" in reject.detail


def test_one_huge_csv_cell_is_one_reject_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    huge = "word " * (4 * TEXT_CHARS)  # 20,000 characters on one line
    path.write_text(f'title,text\nA,Before.\nB,"{huge}"\nC,After.\n')
    assert _summary(_items(path)) == [
        ("article", "row 2"),
        ("record-too-large", "row 3"),
        ("article", "row 4"),
    ]


def test_a_huge_csv_line_is_skipped_in_pieces_not_held_whole() -> None:
    huge = "w" * 8_000_000
    stream = io.BytesIO(f'title,text\nA,Before.\nB,"{huge}"\nC,After.\n'.encode())
    del huge
    options = RecordOptions(max_text_chars=1000, max_record_bytes=16_000)
    tracemalloc.start()
    try:
        items = list(read_csv(stream, "f.csv", options))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert _summary(items) == [
        ("article", "row 2"),
        ("record-too-large", "row 3"),
        ("article", "row 4"),
    ]
    # Holding the 8 MB line as one string would take at least 8 MB.
    assert peak < 4_000_000


def test_a_csv_header_past_the_limit_is_one_reject() -> None:
    header = ",".join(f"column{i}" for i in range(5000))
    stream = io.BytesIO(f"{header},text\nx\n".encode())
    options = RecordOptions(max_text_chars=1000, max_record_bytes=16_000)
    (item,) = read_csv(stream, "f.csv", options)
    assert isinstance(item, Reject) and item.reason == "record-too-large"
    assert item.origin_record == "row 1"


def test_a_huge_utf16_json_line_is_one_reject() -> None:
    text = "".join(
        json.dumps(r) + "\n" for r in ({"text": "Before."}, {"text": "y" * 20_000}, {"text": "Z."})
    )
    stream = io.BytesIO(text.encode("utf-16"))
    options = RecordOptions(max_text_chars=1000, max_record_bytes=16_000)
    assert _summary(list(read_jsonl(stream, "f.jsonl", options))) == [
        ("article", "line 1"),
        ("record-too-large", "line 2"),
        ("article", "line 3"),
    ]


def _json_stream(items: Sequence[object], indent: int | None = None) -> io.BytesIO:
    return io.BytesIO(json.dumps(items, indent=indent).encode("utf-8"))


def test_a_json_array_is_read_item_by_item_across_pieces() -> None:
    # 3 MB: several 1 MB pieces, so items and numbers straddle the piece boundaries.
    items = [
        {"title": f"T{i}", "text": f"Article {i} " + "words " * 40, "n": i} for i in range(11_000)
    ]
    for indent in (None, 2):
        read = list(read_json_stream(_json_stream(items, indent), "f.json", RecordOptions()))
        assert [a.title for a in read if isinstance(a, Article)] == [f"T{i}" for i in range(11_000)]


def test_a_json_array_stops_at_broken_json_naming_the_record() -> None:
    stream = io.BytesIO(b'[{"text": "one"}, {"text": "two"}, {"text": }, {"text": "four"}]')
    items = list(read_json_stream(stream, "f.json", RecordOptions()))
    assert _summary(items) == [
        ("article", "record 1"),
        ("article", "record 2"),
        ("invalid-json", "record 3"),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b'[{"text": "one"} {"text": "two"}]', "invalid-json"),
        (b'[{"text": "one"},, {"text": "two"}]', "invalid-json"),
        (b'[{"text": "one"}', "invalid-json"),
        (b"[" * 200_000, "invalid-json"),
    ],
)
def test_json_array_faults_are_one_reject(data: bytes, reason: str) -> None:
    items = list(read_json_stream(io.BytesIO(data), "f.json", RecordOptions()))
    assert isinstance(items[-1], Reject) and items[-1].reason == reason
    assert len([i for i in items if isinstance(i, Reject)]) == 1


def test_a_huge_json_array_item_is_record_too_large() -> None:
    items = [{"text": "before"}, {"text": "x" * 3_000_000}, {"text": "after"}]
    options = RecordOptions(max_text_chars=1000, max_record_bytes=16_000)
    read = list(read_json_stream(_json_stream(items), "f.json", options))
    assert _summary(read) == [("article", "record 1"), ("record-too-large", "record 2")]


def test_json_objects_and_non_arrays_are_read_whole_as_before() -> None:
    stream = io.BytesIO(b'{"articles": [{"text": "in a list"}], "total": 1}')
    assert _summary(list(read_json_stream(stream, "f.json", RecordOptions()))) == [
        ("article", "record 1")
    ]
    utf16 = io.BytesIO(json.dumps([{"text": "wide"}]).encode("utf-16"))
    assert _summary(list(read_json_stream(utf16, "f.json", RecordOptions()))) == [
        ("article", "record 1")
    ]
