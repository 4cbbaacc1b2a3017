"""Detection speed: MB of English text per second on one core.

    python bench/bench_detect.py [--min-mb 20] [--reuters N] [--check]

Runs presswatch's detector (``Detector.detect(text, title)``: countries, capitals,
organisations and watch-list terms, as at ingest) over the China MFA press-conference
transcripts and the first N normal Reuters-21578 stories (from ../shared/corpora or
$PRESSWATCH_CORPORA), repeating the set until at least --min-mb MB (10^6 bytes of UTF-8)
has been processed. One process, one thread: the figure is per core.

Prints MB/s by wall-clock time and by CPU time of this process; the CPU figure is the one
checked (it is less disturbed by other work on a shared machine). ``--check`` exits 1 when
it is below 5 MB/s.
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
    args = parser.parse_args(argv)

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
    if args.check and result["mb_per_s_cpu"] < MIN_MB_PER_S:
        print(f"FAIL: below {MIN_MB_PER_S} MB/s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
