"""Peak memory of `presswatch demo --articles N` (default 1,000,000) into a new database.

Samples the proportional and resident set sizes of the whole process tree (the CLI and its
forked analysis workers) every 0.2 s, and reads the largest single process's exact peak
from getrusage. Reports wall time, articles/s and the database size. Target (issue 2):
peak memory under 4 GB for 1,000,000 demo articles.
Run: `.venv/bin/python bench/bench_memory.py [--articles 1000000] [--check]`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import db_size_mb, last_run, presswatch_cmd, run_measured

GB = 1024.0  # MB per GB


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo build once and print its memory and speed; --check fails at the limit."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=1_000_000, help="demo articles (1000000)")
    ap.add_argument("--limit-gb", type=float, default=4.0, help="memory limit in GB (4)")
    ap.add_argument("--check", action="store_true", help="exit 1 when peak >= the limit")
    ap.add_argument("--workdir", help="keep the database here (default: temp, deleted)")
    ap.add_argument("--trace", type=float, default=0.0, help="print memory every S seconds")
    ap.add_argument("--nice", type=int, default=0, help="run the CLI at lower CPU priority")
    args = ap.parse_args(argv)

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="pw-mem-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "demo.duckdb"
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    try:
        cmd = [*presswatch_cmd(), "demo", "--articles", str(args.articles), "--db", str(db)]
        print("command:", " ".join(cmd))
        res = run_measured(cmd, trace=args.trace, nice=args.nice)
        if res.returncode != 0:
            print(res.stderr_tail, file=sys.stderr)
            print(f"presswatch exited with {res.returncode}", file=sys.stderr)
            return 2
        stats = last_run(db)
        size = db_size_mb(db)
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    peak_mb = res.peak_tree_pss_mb
    rows = [
        ("articles added", f"{stats['added']:,} of {args.articles:,}"),
        ("mentions stored", f"{stats['mentions']:,}"),
        ("wall time", f"{res.seconds:,.1f} s"),
        ("throughput", f"{args.articles / res.seconds:,.0f} articles/s"),
        ("peak memory, process tree PSS", f"{peak_mb:,.0f} MB"),
        ("peak memory, process tree RSS",
         f"{res.peak_tree_rss_mb:,.0f} MB (shared pages counted in every process)"),
        ("largest single process (getrusage)", f"{res.max_process_rss_mb:,.0f} MB"),
        ("database size", f"{size:,.0f} MB"),
        ("machine", f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} "
         "(shared: indicative)"),
    ]  # fmt: skip
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    # The PSS total is the fair sum; a single process above the limit fails too.
    worst = max(peak_mb, res.max_process_rss_mb)
    passed = worst < args.limit_gb * GB
    print(f"peak {worst / GB:.2f} GB vs limit {args.limit_gb:g} GB: "
          f"{'PASS' if passed else 'OVER LIMIT'}")  # fmt: skip
    if args.check and not passed:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
