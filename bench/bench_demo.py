"""Demo corpus generation speed: articles per second on one core.

    python bench/bench_demo.py [--articles 20000] [--min 5000] [--check]

Draws ``--articles`` articles from ``presswatch.demo.generate_articles`` (the default seed
and length, as ``presswatch demo`` does) and throws them away: the generator alone, no
detection and no database. One process, one thread. Needs no corpora.

Prints articles/s and characters/s by CPU time of this process and by wall clock; the CPU
figure is the one checked (it is less disturbed by other work on a shared machine).
``--check`` exits 1 when it is below ``--min`` articles/s. The default floor keeps the
generator several times faster than the >= 1,000 articles/s ingest it feeds, so
``presswatch demo`` spends its time analysing and writing, not drawing text.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence

MIN_ARTICLES_PER_S = 5000.0


def run(articles: int) -> dict[str, float]:
    """Generate ``articles`` demo articles; counts and timings."""
    from presswatch.demo import generate_articles

    count = chars = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for article in generate_articles(articles):
        count += 1
        chars += len(article.text)
    # A floor of 1 ns keeps a tiny run on a coarse clock from dividing by zero.
    wall = max(time.perf_counter() - wall0, 1e-9)
    cpu = max(time.process_time() - cpu0, 1e-9)
    return {
        "articles": count,
        "chars": chars,
        "wall_s": wall,
        "cpu_s": cpu,
        "per_s_cpu": count / cpu,
        "per_s_wall": count / wall,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--articles", type=int, default=20_000, help="articles to generate (default 20000)"
    )
    parser.add_argument(
        "--min",
        type=float,
        default=MIN_ARTICLES_PER_S,
        help=f"floor in articles/s for --check (default {MIN_ARTICLES_PER_S:.0f})",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 below the floor")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")

    result = run(args.articles)
    print(
        f"demo generation: {result['articles']:,.0f} articles, "
        f"{result['chars'] / result['articles']:,.0f} characters each on average"
    )
    print(
        f"{result['per_s_cpu']:,.0f} articles/s (CPU time, one core), "
        f"{result['per_s_wall']:,.0f} articles/s (wall clock); "
        f"{result['chars'] / result['cpu_s'] / 1e6:.1f} M characters/s (CPU time)"
    )
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average {load}; floor {args.min:,.0f}/s")
    if args.check and result["per_s_cpu"] < args.min:
        print(f"FAIL: below {args.min:,.0f} articles/s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
