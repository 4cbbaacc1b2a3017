"""Dashboard latency: each page's server-side work (queries + figures) per filter change.

Usage::

    python bench/bench_dashboard.py --db data/demo100k.duckdb            # reuse a database
    python bench/bench_dashboard.py --articles 100000 --db /tmp/d.duckdb # build it first
    python bench/bench_dashboard.py --db FILE --changes 20 --check       # assert the budgets

What is timed: a random walk of ``--changes`` filter changes (date range, sources,
countries any/all, organisations, watch-list groups, text query, capitals on/off,
reset), and for every state each page's work exactly as the pages call the query layer —
``presswatch.queries`` and ``presswatch.charts`` called directly on a fresh cursor, so
nothing is cached above DuckDB (Streamlit's cache is cold by construction; the query
layer's per-data-version caches of corpus term totals and country surface forms are
warm after the first change, as they are in a running dashboard). The one-line filter
description's count is included in every page. ``known_values`` is cached per data
version by the app, so it is reported once, not per change.

Budgets (issue 4): at 100k articles every page <= 300 ms at p95, the term cloud <= 1 s;
at 1M articles <= 1 s and <= 3 s. ``--check`` picks the budget row by article count and
exits 1 when a p95 is over it. Figures are indicative on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from presswatch import charts, queries
from presswatch.filters import Filters, KnownValues

PAGES = (
    "overview",
    "mentions",
    "cooccurrence",
    "cooccurrence_sentence",
    "terms_frequency",
    "terms_distinctive",
    "articles",
)
BUDGETS_MS = {
    100_000: {"default": 300.0, "terms_frequency": 1000.0, "terms_distinctive": 1000.0},
    1_000_000: {"default": 1000.0, "terms_frequency": 3000.0, "terms_distinctive": 3000.0},
}
TEXT_QUERIES = (
    "exercise",
    '"joint exercise"',
    "sanction* -nato",
    "(navy OR naval) AND drill*",
    '"arms control" OR treaty',
    "ceasefire",
)


def _budget(n_articles: int, page: str) -> float:
    row = BUDGETS_MS[100_000] if n_articles <= 300_000 else BUDGETS_MS[1_000_000]
    return row.get(page, row["default"])


def random_change(f: Filters, kv: KnownValues, rng: random.Random) -> Filters:
    """One plausible sidebar edit."""
    countries = sorted(kv.countries & {"US", "CN", "RU", "UA", "IR", "IN", "JP", "FR", "GB", "KP"})
    kind = rng.choice(
        ["dates", "dates", "source", "country", "country", "all", "org", "group", "text",
         "text", "capitals", "reset"]
    )  # fmt: skip
    if kind == "dates" and kv.date_min and kv.date_max:
        y0 = rng.randint(kv.date_min.year, kv.date_max.year)
        y1 = rng.randint(y0, kv.date_max.year)
        return replace(f, date_from=date(y0, 1, 1), date_to=date(y1, 12, 31))
    if kind == "source" and kv.sources:
        return replace(f, sources=tuple(rng.sample(sorted(kv.sources), k=min(2, len(kv.sources)))))
    if kind == "country" and countries:
        return replace(f, countries=tuple(rng.sample(countries, k=rng.randint(1, 2))))
    if kind == "all" and len(countries) >= 2:
        return replace(f, countries=tuple(rng.sample(countries, k=2)), country_match="all")
    if kind == "org" and kv.organisations:
        orgs = sorted(kv.organisations & {"org:NATO", "org:UN", "org:EU", "org:ASEAN"})
        return replace(f, organisations=(rng.choice(orgs),)) if orgs else f
    if kind == "group" and kv.groups:
        return replace(f, groups=(rng.choice(sorted(kv.groups)),))
    if kind == "text":
        return replace(f, text=rng.choice(TEXT_QUERIES))
    if kind == "capitals":
        return replace(f, include_capitals=not f.include_capitals)
    return Filters()


def page_work(conn: duckdb.DuckDBPyConnection, f: Filters) -> dict[str, Callable[[], object]]:
    """What each page computes for one filter state (mirrors app_pages/*.py)."""

    def header() -> None:
        queries.count_articles(conn, f)

    def overview() -> None:
        header()
        queries.corpus_overview(conn, f)
        charts.articles_per_period_bars(queries.articles_per_period(conn, f, "month"))
        charts.top_entities_bars(queries.top_entities(conn, f, "country", 15))
        charts.top_entities_bars(queries.top_entities(conn, f, "organisation", 15))
        runs = queries.recent_ingest_runs(conn, 10)
        if not runs.empty:
            queries.rejects_for_run(conn, int(runs.iloc[0]["run_id"]))

    def mentions() -> None:
        header()
        top = queries.top_entities(conn, f, "country", 3)
        ids = [*top["entity_id"], "term:Joint exercises", "word:exercise"]
        df = queries.mentions_over_time(conn, f, ids, "month", "share", 3)
        charts.line_over_time(df, "share")
        if not df.empty:
            start, end = queries.period_bounds(df["period"].iloc[len(df) // 2], "month")
            queries.articles_for_period(conn, f, ids[0] if ids else None, start, end, 200)

    def cooccurrence(scope: queries.Scope = "article") -> None:
        header()
        pairs = queries.cooccurrence(conn, f, scope, 15, "npmi", 2)
        nodes = queries.cooccurrence_nodes(conn, f, scope, 15)
        charts.network_figure(nodes, pairs, "npmi")
        charts.cooccurrence_heatmap(queries.cooccurrence_matrix(pairs), "npmi")
        if len(nodes):
            queries.partners_of(conn, f, str(nodes["entity_id"].iloc[0]), scope, "npmi", 2)

    def terms_frequency() -> None:
        header()
        df = queries.term_frequencies(conn, f, 150, exclude_countries=True)
        charts.wordcloud_png(dict(zip(df["term"], df["n"], strict=True)))
        charts.term_table(df)

    def terms_distinctive() -> None:
        header()
        df = queries.term_keyness(conn, f, "rest", limit=150)
        charts.wordcloud_png(dict(zip(df["term"], df["g2"], strict=True)))
        charts.term_table(df, "distinctive")

    def articles() -> None:
        header()
        queries.articles_page(conn, f, 50, 0, "newest")
        # As the page: the text query's matches, else the first filtered entity's mentions.
        entities = [*f.countries, *f.organisations, *f.groups]
        if f.text or entities:
            entity = None if f.text else entities[0]
            queries.kwic_snippets(conn, f, None, entity, 60, 200)

    return {
        "overview": overview,
        "mentions": mentions,
        "cooccurrence": cooccurrence,
        "cooccurrence_sentence": lambda: cooccurrence("sentence"),
        "terms_frequency": terms_frequency,
        "terms_distinctive": terms_distinctive,
        "articles": articles,
    }


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


# The shared parts of the queries (queries.use_cache), kept as the dashboard's cache keeps
# them for one database and data version: the corpus-wide ones (key "") stay from one run to
# the next, the per-filter ones are dropped before each timed run.
_PARTS: dict[tuple[str, str], Any] = {}


def _keep_part(conn: queries.Conn, name: str, key: str, compute: Callable[[], Any]) -> Any:
    if (name, key) not in _PARTS:
        _PARTS[(name, key)] = compute()
    return _PARTS[(name, key)]


def run(
    db: Path, changes: int, seed: int, pages: tuple[str, ...], repeat: int = 1
) -> dict[str, object]:
    """Time every page for ``changes`` random filter states; return the figures."""
    conn = duckdb.connect(str(db), read_only=True)
    queries.use_cache(_keep_part)
    n_articles = int(conn.execute("SELECT count(*) FROM articles").fetchall()[0][0])
    t0 = time.perf_counter()
    kv = queries.known_values(conn)
    known_ms = (time.perf_counter() - t0) * 1000
    rng = random.Random(seed)
    f = Filters()
    times: dict[str, list[float]] = {p: [] for p in pages}
    states = []
    # warm-up: the first touch of each table reads it from disk; time the steady state
    for fn in page_work(conn, f).values():
        fn()
    for _ in range(changes):
        f = random_change(f, kv, rng)
        states.append(f.to_query_params())
        for page in pages:
            best = float("inf")
            for _ in range(max(1, repeat)):
                # a fresh cursor and no per-filter shared part every time: nothing left over
                # from a previous run (the materialised id set, per-country unit counts)
                for k in [k for k in _PARTS if k[1]]:
                    del _PARTS[k]
                cur = conn.cursor()
                start = time.perf_counter()
                page_work(cur, f)[page]()
                best = min(best, (time.perf_counter() - start) * 1000)
                cur.close()
            times[page].append(best)
    conn.close()
    result: dict[str, object] = {
        "db": str(db),
        "articles": n_articles,
        "changes": changes,
        "seed": seed,
        "repeat": repeat,
        "known_values_ms": round(known_ms, 1),
        "pages": {
            p: {
                "p50_ms": round(statistics.median(v), 1),
                "p95_ms": round(_pct(v, 0.95), 1),
                "max_ms": round(max(v), 1),
                "budget_ms": _budget(n_articles, p),
            }
            for p, v in times.items()
        },
        "states": states,
    }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="database file (built if absent)")
    parser.add_argument("--articles", type=int, default=None, help="build a demo DB of N articles")
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time each page N times per state (each run cold) and keep the fastest: "
        "filters out other processes' load on a shared machine",
    )
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--check", action="store_true", help="exit 1 when a p95 is over budget")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    if not args.db.exists():
        if not args.articles:
            parser.error(f"{args.db} does not exist; pass --articles N to build a demo database")
        cmd = [sys.executable, "-m", "presswatch.cli", "demo", "--articles", str(args.articles),
               "--db", str(args.db)]  # fmt: skip
        subprocess.run(cmd, check=True)
    pages = tuple(p for p in args.pages.split(",") if p)
    unknown = set(pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    result = run(args.db, args.changes, args.seed, pages, args.repeat)
    n = result["articles"]
    print(
        f"{args.db}: {n:,} articles, {args.changes} filter changes, seed {args.seed}, "
        f"best of {args.repeat}"
    )
    print(f"known_values (once per data version): {result['known_values_ms']} ms")
    print(f"{'page':20s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s} {'budget':>8s}")
    over = []
    for page, fig in result["pages"].items():  # type: ignore[attr-defined]
        flag = "" if fig["p95_ms"] <= fig["budget_ms"] else "  OVER"
        if flag:
            over.append(page)
        print(
            f"{page:20s} {fig['p50_ms']:8.1f} {fig['p95_ms']:8.1f} {fig['max_ms']:8.1f} "
            f"{fig['budget_ms']:8.0f}{flag}"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, default=str), encoding="utf-8")
    if args.check and over:
        print(f"over budget at p95: {', '.join(over)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
