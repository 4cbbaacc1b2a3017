"""Detection speed: MB of English text per second on one core.

    python bench/bench_detect.py [--min-mb 20] [--reuters N] [--check]
    python bench/bench_detect.py --watchlist-only [--check]

Runs presswatch's detector (``Detector.detect(text, title)``: countries, capitals,
organisations and watch-list terms, as at ingest) over the China MFA press-conference
transcripts and the first N normal Reuters-21578 stories (from ../shared/corpora or
$PRESSWATCH_CORPORA), repeating the set until at least --min-mb MB (10^6 bytes of UTF-8)
has been processed. One process, one thread: the figure is per core.

Prints MB/s by wall-clock time and by CPU time of this process; the CPU figure is the one
checked (it is less disturbed by other work on a shared machine). ``--check`` exits 1 when
it is below 5 MB/s.

First, and alone with ``--watchlist-only`` (no corpora needed), the watch-list matcher's
scaling on hostile texts: each pattern is run over texts that repeat a piece every position
of which could start a match ("a-a-a-..." for a leading wildcard) and end with the pattern's
literal anchor (so the matcher cannot skip the text), of about 25 KB, 100 KB, 400 KB and
1.6 MB. ``--check`` fails when a text takes more than 2 s of CPU time or 8 times as long as
the text a quarter its size (linear time gives about 4, quadratic about 16); the ladder
stops at the first failure, so a quadratic matcher fails in seconds instead of running for
hours.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpora import require_corpora

MIN_MB_PER_S = 5.0

# (watch-list pattern, piece repeated into a text where every piece could start a match,
# tail holding the pattern's anchor: without it the matcher would not search the text at all)
HOSTILE_WATCHLIST = (
    ("*-led", "a-", " US-led"),
    ("joint exercise*", "joint ", "exercises"),
    ("defen* aid", "defen", " aid"),
)
HOSTILE_CHARS = (25_000, 100_000, 400_000, 1_600_000)
HOSTILE_MAX_S = 2.0
HOSTILE_MAX_GROWTH = 8.0  # CPU time of a text / of one a quarter its size; linear ~4
HOSTILE_MIN_JUDGED_S = 0.005  # growth from a shorter run than this is clock noise


def hostile_text(piece: str, tail: str, chars: int) -> str:
    """About ``chars`` characters of ``piece`` repeated, then ``tail``."""
    return piece * (chars // len(piece)) + tail


def _cpu_seconds(matcher: object, text: str, repeats: int = 3) -> tuple[float, int]:
    """Least CPU time over ``repeats`` runs of matcher.find(text), and the match count."""
    find = matcher.find  # type: ignore[attr-defined]
    best, found = float("inf"), 0
    for _ in range(repeats):
        started = time.process_time()
        found = len(find(text))
        best = min(best, time.process_time() - started)
        if best > HOSTILE_MAX_S:
            break  # already failed: do not repeat a slow run
    return best, found


def watchlist_scaling() -> list[dict[str, object]]:
    """Per hostile pattern: CPU seconds on each text of the ladder it reached, the match
    count on the last, the worst judged growth, and whether it stayed within the limits."""
    from presswatch.extract.watchlist import WatchGroup, WatchlistMatcher

    rows: list[dict[str, object]] = []
    for pattern, piece, tail in HOSTILE_WATCHLIST:
        matcher = WatchlistMatcher([WatchGroup("G", (pattern,))])
        seconds: list[float] = []
        growth = 0.0
        ok = True
        found = 0
        for chars in HOSTILE_CHARS:
            spent, found = _cpu_seconds(matcher, hostile_text(piece, tail, chars))
            if seconds and seconds[-1] >= HOSTILE_MIN_JUDGED_S:
                growth = max(growth, spent / seconds[-1])
            seconds.append(spent)
            if spent > HOSTILE_MAX_S or growth > HOSTILE_MAX_GROWTH:
                ok = False
                break
        rows.append(
            {"pattern": pattern, "seconds": seconds, "matches": found, "growth": growth, "ok": ok}
        )
    return rows


def print_scaling(rows: Sequence[dict[str, object]]) -> bool:
    """Print the scaling table; True when every pattern is within its limits."""
    sizes = ", ".join(f"{chars / 1000:,.0f}" for chars in HOSTILE_CHARS)
    print(
        f"watch-list scaling on hostile texts of {sizes} K chars (CPU s, best of 3; "
        f"limits {HOSTILE_MAX_S} s and x{HOSTILE_MAX_GROWTH} per 4x text):"
    )
    for row in rows:
        seconds = row["seconds"]
        assert isinstance(seconds, list)
        times = ", ".join(f"{value:.4f}" for value in seconds)
        print(
            f"  {row['pattern']!r:18} {times}; worst growth x{row['growth']:.1f}, "
            f"{row['matches']} match(es) {'ok' if row['ok'] else 'FAIL'}"
        )
    return all(bool(row["ok"]) for row in rows)


def load_texts(root: Path, reuters: int) -> list[tuple[str | None, str]]:
    """(title, text) of every MFA transcript and of the first ``reuters`` NORM stories."""
    docs: list[tuple[str | None, str]] = []
    with gzip.open(root / "mfa_pressconf_en" / "mfa_pressconf_en.jsonl.gz", "rt") as handle:
        for line in handle:
            row = json.loads(line)
            docs.append((row.get("title"), row["text"]))
    taken = 0
    with gzip.open(root / "reuters21578" / "reuters21578.jsonl.gz", "rt") as handle:
        for line in handle:
            if taken >= reuters:
                break
            row = json.loads(line)
            if row.get("text_type") == "NORM" and row.get("text"):
                docs.append((row.get("title"), row["text"]))
                taken += 1
    return docs


def doc_bytes(docs: Sequence[tuple[str | None, str]]) -> int:
    """UTF-8 bytes of titles and texts."""
    return sum(
        len(text.encode("utf-8")) + len((title or "").encode("utf-8")) for title, text in docs
    )


def run(
    detector: object, docs: Sequence[tuple[str | None, str]], min_mb: float
) -> dict[str, float]:
    """Detect over the documents, repeated to at least min_mb MB; timings and counts."""
    detect = detector.detect  # type: ignore[attr-defined]
    per_pass = doc_bytes(docs) / 1e6
    passes = max(1, int(-(-min_mb // per_pass)))  # ceiling division
    mentions = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(passes):
        for title, text in docs:
            mentions += len(detect(text, title))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    total = per_pass * passes
    return {
        "passes": passes,
        "megabytes": total,
        "docs": len(docs) * passes,
        "mentions": mentions,
        "wall_s": wall,
        "cpu_s": cpu,
        "mb_per_s_wall": total / wall,
        "mb_per_s_cpu": total / cpu,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-mb", type=float, default=20.0, help="MB to process (default 20)")
    parser.add_argument("--reuters", type=int, default=3000, help="Reuters stories (default 3000)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 below {MIN_MB_PER_S} MB/s")
    parser.add_argument(
        "--watchlist-only",
        action="store_true",
        help="only the watch-list scaling on hostile texts (no corpora needed)",
    )
    args = parser.parse_args(argv)

    scaling_ok = print_scaling(watchlist_scaling())
    if args.watchlist_only:
        if args.check and not scaling_ok:
            print("FAIL: watch-list matching is not linear on a hostile text", file=sys.stderr)
            return 1
        return 0

    from presswatch.extract import Detector

    root = require_corpora()
    docs = load_texts(root, args.reuters)
    started = time.perf_counter()
    detector = Detector.from_data()
    build_s = time.perf_counter() - started
    title, text = docs[0]
    detector.detect(text, title)  # warm-up: lazy tables, first-call costs

    result = run(detector, docs, args.min_mb)
    print(
        f"detector built in {build_s:.2f} s; {len(docs)} documents "
        f"({doc_bytes(docs) / 1e6:.1f} MB) x {result['passes']} passes = "
        f"{result['megabytes']:.1f} MB, {result['mentions']:,} mentions"
    )
    print(
        f"detection: {result['mb_per_s_cpu']:.2f} MB/s (CPU time, one core), "
        f"{result['mb_per_s_wall']:.2f} MB/s (wall clock); "
        f"{result['docs'] / result['cpu_s']:.0f} documents/s"
    )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}; target {MIN_MB_PER_S} MB/s")
    failed = False
    if args.check and not scaling_ok:
        print("FAIL: watch-list matching is not linear on a hostile text", file=sys.stderr)
        failed = True
    if args.check and result["mb_per_s_cpu"] < MIN_MB_PER_S:
        print(f"FAIL: below {MIN_MB_PER_S} MB/s", file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
