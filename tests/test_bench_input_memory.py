"""The huge inputs of bench/bench_input_memory.py are what the benchmark says they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from _bench import load_bench_module

from presswatch.ingest.readers import ReadOptions, read_file
from presswatch.models import Article, Reject


@pytest.mark.parametrize(
    ("kind", "articles", "huge_one", "reason"),
    [
        ("html", 0, "huge.html", "too-large"),
        ("txt", 0, "huge.txt", "too-large"),
        ("jsonl line", 2, "line 2", "record-too-large"),
        # An array item that fits in one piece read (1 MB) is parsed, then too long.
        ("json item", 2, "record 2", "text-too-long"),
        ("csv cell", 2, "row 3", "record-too-large"),
        ("zip member", 1, "huge.txt", "too-large"),
    ],
)
def test_each_input_has_one_huge_part_past_the_limits(
    kind: str,
    articles: int,
    huge_one: str,
    reason: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # With a text limit of 1,000 characters a 40 KB part is past every read limit.
    monkeypatch.setenv("PRESSWATCH_MAX_TEXT_CHARS", "1000")
    bench = load_bench_module("bench_input_memory.py")
    name, write, _ = bench.INPUTS[kind]
    path = tmp_path / name
    write(path, 40_000)
    if kind != "zip member":  # compressed
        assert path.stat().st_size >= 40_000
    items = list(read_file(path, ReadOptions()))
    assert sum(isinstance(i, Article) for i in items) == articles
    (reject,) = [i for i in items if isinstance(i, Reject)]
    assert reject.reason == reason
    assert reject.origin_record == huge_one or reject.origin_file.endswith(huge_one)
