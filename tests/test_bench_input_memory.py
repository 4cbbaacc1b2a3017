"""The huge inputs of bench/bench_input_memory.py are what the benchmark says they are."""

from __future__ import annotations

from pathlib import Path

import pytest
from _bench import load_bench_module

from presswatch.ingest.readers import ReadOptions, read_file
from presswatch.models import Article, Reject


@pytest.mark.parametrize(
    ("kind", "articles", "huge_one"),
    [
        ("html", 0, "huge.html"),
        ("txt", 0, "huge.txt"),
        ("jsonl line", 2, "line 2"),
        ("csv cell", 2, "row 3"),
        ("zip member", 1, "huge.txt"),
    ],
)
def test_each_input_has_one_huge_part_past_the_limits(
    kind: str, articles: int, huge_one: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
    assert reject.reason in ("too-large", "record-too-large")
    assert reject.origin_record == huge_one or reject.origin_file.endswith(huge_one)
