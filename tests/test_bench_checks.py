"""The quick speed benchmarks' --check verdicts (bench/bench_demo.py, bench/bench_detect.py).

The speed figures themselves are the benchmarks' business, not the test suite's: these
tests only check that each script measures what it says and exits 1 below its floor.
"""

from __future__ import annotations

import pytest
from _bench import load_bench_module


def test_demo_bench_counts_the_articles_and_fails_below_its_floor(
    capsys: pytest.CaptureFixture[str],
) -> None:
    bench = load_bench_module("bench_demo.py")
    result = bench.run(40)
    assert result["articles"] == 40
    assert result["chars"] > 40 * 500  # demo articles are 0.9-3 KB
    assert result["per_s_cpu"] > 0
    assert bench.main(["--articles", "40", "--check", "--min", "0"]) == 0
    assert bench.main(["--articles", "40", "--check", "--min", "1e15"]) == 1
    assert "FAIL: below" in capsys.readouterr().err
    assert bench.main(["--articles", "40", "--min", "1e15"]) == 0  # no --check: report only


def test_detect_bench_hostile_texts_make_the_matcher_search_them() -> None:
    # Each hostile text ends with its pattern's anchor: without it the matcher would skip
    # the text and the scaling figures would time nothing.
    from presswatch.extract.watchlist import WatchGroup, WatchlistMatcher

    bench = load_bench_module("bench_detect.py")
    for pattern, piece, tail in bench.HOSTILE_WATCHLIST:
        matcher = WatchlistMatcher([WatchGroup("G", (pattern,))])
        text = bench.hostile_text(piece, tail, 1_000)
        assert 1_000 - len(piece) < len(text) - len(tail) <= 1_000
        assert len(matcher.find(text)) == 1, pattern
        assert matcher.find(text.removesuffix(tail)) == [], pattern


def test_detect_bench_scaling_verdict_needs_every_pattern_within_limits() -> None:
    bench = load_bench_module("bench_detect.py")
    ok = {"pattern": "a", "seconds": [0.01, 0.04], "matches": 1, "growth": 4.0, "ok": True}
    slow = {"pattern": "b", "seconds": [2.5], "matches": 0, "growth": 0.0, "ok": False}
    assert bench.print_scaling([ok]) is True
    assert bench.print_scaling([ok, slow]) is False
