"""Peak memory and time of `presswatch ingest` on single huge inputs (issue 11, item 7).

Generates, in a temporary folder, one input of each kind that holds about ``--size-mb`` MB
in a single document, line or cell: an .html page, a .txt file, a JSON-lines file whose
second line is one huge record, a JSON array whose second item is one, a CSV file whose
second row has one huge cell, and a zip archive holding a huge .txt member. Each runs
through `presswatch ingest FILE --db NEW` in its own subprocess; the peak resident memory
of the largest process comes from getrusage(RUSAGE_CHILDREN).ru_maxrss, the tree's from
sampling /proc. Prints what the run stored and rejected. Target: peak RSS ≤ 600 MB for
every input.
Run: `.venv/bin/python bench/bench_input_memory.py [--size-mb 190] [--near-limit] [--check]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import presswatch_cmd, run_measured

MB = 1024 * 1024
_SENTENCE = (
    "Paragraph {i}: the foreign ministers of France and Germany met their counterparts "
    "from Japan and India in Geneva on Monday to discuss trade, shipping and the "
    "security of sea lanes; talks are to resume in {year}."
)


def _paragraphs(total_bytes: int) -> Iterator[str]:
    """Distinct prose paragraphs adding up to about ``total_bytes`` bytes."""
    written = i = 0
    while written < total_bytes:
        para = _SENTENCE.format(i=i, year=2000 + i % 30)
        written += len(para) + 1
        i += 1
        yield para


def write_html(path: Path, size: int) -> None:
    """One page whose body is ``size`` bytes of paragraphs."""
    with path.open("w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>")
        f.write("<title>Huge page</title></head><body><article><h1>Huge page</h1>\n")
        for para in _paragraphs(size):
            f.write(f"<p>{para}</p>\n")
        f.write("</article></body></html>\n")


def write_text(path: Path, size: int) -> None:
    """A plain-text article: a title line and ``size`` bytes of paragraphs."""
    with path.open("w", encoding="utf-8") as f:
        f.write("Huge text file\n\n")
        for para in _paragraphs(size):
            f.write(para + "\n")


def write_jsonl(path: Path, size: int) -> None:
    """Three records; the second one's text field is ``size`` bytes long."""
    with path.open("w", encoding="utf-8") as f:
        f.write(json.dumps({"title": "Before", "text": "A normal record before."}) + "\n")
        f.write('{"title": "Huge", "text": "')
        for para in _paragraphs(size):
            f.write(para + " ")
        f.write('"}\n')
        f.write(json.dumps({"title": "After", "text": "A normal record after."}) + "\n")


def write_json(path: Path, size: int) -> None:
    """A JSON array of three records; the second one's text field is ``size`` bytes long."""
    with path.open("w", encoding="utf-8") as f:
        f.write('[{"title": "Before", "text": "A normal record before."},\n')
        f.write('{"title": "Huge", "text": "')
        for para in _paragraphs(size):
            f.write(para + " ")
        f.write('"},\n{"title": "After", "text": "A normal record after."}]\n')


def write_csv(path: Path, size: int) -> None:
    """A header and three rows; the second row's text cell is ``size`` bytes on one line."""
    with path.open("w", encoding="utf-8") as f:
        f.write('title,text\nBefore,A normal row before.\nHuge,"')
        for para in _paragraphs(size):
            f.write(para + " ")
        f.write('"\nAfter,A normal row after.\n')


def write_zip(path: Path, size: int) -> None:
    """An archive with a short .txt member and a huge one."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("small.txt", "Small member\n\nA short article inside the archive.\n")
        with zf.open("huge.txt", "w", force_zip64=True) as member:
            member.write(b"Huge member\n\n")
            for para in _paragraphs(size):
                member.write(para.encode() + b"\n")


# kind -> (file name, writer, which limit bounds the huge part: "html", "text" or "record")
INPUTS: dict[str, tuple[str, Callable[[Path, int], None], str]] = {
    "html": ("huge.html", write_html, "html"),
    "txt": ("huge.txt", write_text, "text"),
    "jsonl line": ("huge-line.jsonl", write_jsonl, "record"),
    "json item": ("huge-item.json", write_json, "record"),
    "csv cell": ("huge-cell.csv", write_csv, "record"),
    "zip member": ("huge-member.zip", write_zip, "text"),
}


def near_limit_bytes(bound: str) -> int:
    """A size just under the limit that decides whether the huge part is read at all."""
    from presswatch.ingest.readers import document_limit, record_limit
    from presswatch.settings import get_settings

    settings = get_settings()
    limit = record_limit(settings) if bound == "record" else document_limit(bound, settings)
    return int(limit * 0.95)


# getrusage(RUSAGE_CHILDREN) keeps the largest child since this process started, so each run
# gets its own small launcher whose children are that run's processes only.
_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(f'peak-rss-kb {peak}', file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def _peak_kb(stderr_tail: str) -> int:
    for line in reversed(stderr_tail.splitlines()):
        if line.startswith("peak-rss-kb "):
            return int(line.split()[1])
    return 0


def _outcome(db: Path) -> str:
    """Articles stored and rejects by reason, read from the run's database."""
    import duckdb

    if not db.exists():
        return "no database written"
    conn = duckdb.connect(str(db), read_only=True)
    try:
        stored = conn.execute("SELECT count(*) FROM articles").fetchone()
        reasons = conn.execute(
            "SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY reason"
        ).fetchall()
    finally:
        conn.close()
    shown = ", ".join(f"{reason} ×{n}" for reason, n in reasons) or "none"
    return f"{stored[0] if stored else 0} stored; rejects: {shown}"


def main(argv: Sequence[str] | None = None) -> int:
    """Measure every input kind; --check exits 1 when one goes over the limit."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=190, help="size of the huge part (190)")
    ap.add_argument("--limit-mb", type=float, default=600, help="peak RSS limit in MB (600)")
    ap.add_argument("--only", choices=sorted(INPUTS), action="append", help="kinds to run")
    ap.add_argument(
        "--near-limit",
        action="store_true",
        help="also run each kind at 95%% of its read limit (the largest input that is parsed)",
    )
    ap.add_argument("--check", action="store_true", help="exit 1 when a peak is over the limit")
    ap.add_argument("--workdir", help="keep inputs and databases here (default: temp, deleted)")
    args = ap.parse_args(argv)

    work = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="pw-input-"))
    work.mkdir(parents=True, exist_ok=True)
    runs = [(kind, int(args.size_mb * MB)) for kind in args.only or list(INPUTS)]
    if args.near_limit:
        runs += [(kind, near_limit_bytes(INPUTS[kind][2])) for kind, _ in list(runs)]
    rows: list[tuple[str, float, float, float, float, str]] = []
    try:
        for kind, size in runs:
            name, write, _ = INPUTS[kind]
            src = work / name
            write(src, size)
            db = work / f"{src.stem}.duckdb"
            for stale in (db, db.with_name(db.name + ".wal")):
                stale.unlink(missing_ok=True)
            cmd = [*presswatch_cmd(), "ingest", str(src), "--db", str(db)]
            res = run_measured([sys.executable, "-c", _LAUNCHER, *cmd])
            # ingest exits 1 when every input was rejected; the database says what happened.
            outcome = _outcome(db) if db.exists() else res.stderr_tail.strip()[-300:]
            peak_mb = _peak_kb(res.stderr_tail) / 1024
            label = f"{kind} {size / MB:,.1f}"
            file_mb = src.stat().st_size / MB
            rows.append((label, file_mb, peak_mb, res.peak_tree_rss_mb, res.seconds, outcome))
            src.unlink()
    finally:
        if not args.workdir:
            shutil.rmtree(work, ignore_errors=True)

    print(f"{'input, MB of it':<17} {'file MB':>8} {'peak RSS MB':>12} {'tree RSS MB':>12} "
          f"{'seconds':>8}  outcome")  # fmt: skip
    for kind, file_mb, peak, tree, seconds, outcome in rows:
        print(f"{kind:<17} {file_mb:>8,.1f} {peak:>12,.0f} {tree:>12,.0f} {seconds:>8,.1f}  "
              f"{outcome}")  # fmt: skip
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} (shared: indicative)")
    worst = max((max(r[2], r[3]) for r in rows), default=0.0)
    passed = worst <= args.limit_mb
    print(f"worst peak {worst:,.0f} MB vs limit {args.limit_mb:,.0f} MB: "
          f"{'PASS' if passed else 'OVER LIMIT'}")  # fmt: skip
    return 1 if args.check and not passed else 0


if __name__ == "__main__":
    raise SystemExit(main())
