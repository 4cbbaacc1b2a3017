"""HTML reader benchmark: pages/s on one core and token F1 on the real China MFA pages.

    python bench/bench_html.py [--repeat N] [--check]

Reads the 180 article pages in ../shared/corpora/mfa_pressconf_en/html/ (or
$PRESSWATCH_CORPORA/...), compares the extracted text with the `text` of the record with
the same id in mfa_pressconf_en.jsonl.gz, and times read_html_document in this one
process (one core). With --check, exits 1 below 80 pages/s or a mean F1 below 0.98.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _metrics import token_f1

from presswatch.ingest.html import read_html_document
from presswatch.models import Article

MIN_PAGES_PER_S = 80.0
MIN_F1 = 0.98


def corpora_dir() -> Path:
    """../shared/corpora relative to the repository, or $PRESSWATCH_CORPORA."""
    default = Path(__file__).resolve().parents[2] / "shared" / "corpora"
    return Path(os.environ.get("PRESSWATCH_CORPORA", default))


def load_pages(root: Path) -> list[tuple[str, str, dict[str, object]]]:
    """(file name, html, reference record) for every article page with a JSONL record."""
    folder = root / "mfa_pressconf_en"
    with gzip.open(folder / "mfa_pressconf_en.jsonl.gz", "rt", encoding="utf-8") as fh:
        records = {r["id"]: r for r in map(json.loads, fh)}
    pages = []
    for path in sorted((folder / "html").glob("mfa_en_t*.html")):
        record = records.get(path.stem)
        if record is not None:
            pages.append((path.name, path.read_text(encoding="utf-8"), record))
    return pages


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print a table, and with --check fail below the targets."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed passes (best is reported)")
    ap.add_argument("--check", action="store_true", help="exit 1 below the targets")
    args = ap.parse_args(argv)

    pages = load_pages(corpora_dir())
    if not pages:
        print("no MFA pages found; set PRESSWATCH_CORPORA", file=sys.stderr)
        return 2
    mb = sum(len(html.encode("utf-8")) for _, html, _ in pages) / 1e6

    read_html_document(pages[0][1], pages[0][0])  # warm-up: imports, lxml, caches
    timings = []
    results: list[Article] = []
    for _ in range(max(1, args.repeat)):
        # process_time: CPU of this process only, so other load on the machine does not
        # count against us; wall time is reported too.
        cpu0, wall0 = time.process_time(), time.perf_counter()
        out = [read_html_document(html, name) for name, html, _ in pages]
        timings.append((time.process_time() - cpu0, time.perf_counter() - wall0))
        results = [r for r in out if isinstance(r, Article)]
    cpu, wall = min(timings)

    f1s, title_ok, date_ok, date_n = [], 0, 0, 0
    for (_name, _, ref), art in zip(pages, out, strict=True):
        if not isinstance(art, Article):
            f1s.append(0.0)
            continue
        f1s.append(token_f1(art.text, str(ref["text"])))
        title_ok += art.title == ref["title"]
        if ref.get("date"):
            date_n += 1
            date_ok += art.date is not None and art.date.value.date().isoformat() == ref["date"]
    pages_per_cpu_s = len(pages) / cpu
    rows = [
        ("pages", f"{len(pages)} ({mb:.1f} MB, {len(results)} read as articles)"),
        (f"CPU seconds (best of {len(timings)})", f"{cpu:.2f}"),
        ("wall seconds", f"{wall:.2f}"),
        ("pages/s per core (CPU)", f"{pages_per_cpu_s:.0f}"),
        ("pages/s (wall)", f"{len(pages) / wall:.0f}"),
        ("token F1 mean", f"{statistics.fmean(f1s):.4f}"),
        ("token F1 min", f"{min(f1s):.4f}"),
        ("titles equal to JSONL", f"{title_ok}/{len(pages)}"),
        ("dates equal to JSONL", f"{date_ok}/{date_n}"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    ok = pages_per_cpu_s >= MIN_PAGES_PER_S and statistics.fmean(f1s) >= MIN_F1
    print(
        f"targets: >= {MIN_PAGES_PER_S:.0f} pages/s per core, F1 >= {MIN_F1}: "
        + ("met" if ok else "NOT met")
    )
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
