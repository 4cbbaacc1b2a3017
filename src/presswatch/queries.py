"""The query layer: pure functions (connection, Filters, options) -> pandas DataFrame.

All SQL of the dashboard lives here; no Streamlit import. Every user value is a bound
parameter; the only names interpolated into SQL come from fixed allow-lists in this module.

Definitions (tested with hand-computed values in tests/test_queries.py):

- *filtered set*: the articles matching ``Filters.to_sql``; time series use its dated part.
- *mentions* of a country: ``n_named`` (+ ``n_capital`` when ``include_capitals``);
  organisations and watch-list groups: ``n_named``; a free typed term (``word:<text>``):
  occurrences in the term index (a multi-word phrase: occurrences in title + text).
- *articles mentioning* X: articles of the filtered set with at least one mention of X;
  an entity mentioned several times in one article counts once.
- *share* = articles mentioning ÷ articles in the filtered set in that period.
- *per 10k words* = mentions ÷ words of the filtered set in that period × 10,000.
- co-occurrence units: article scope = the articles of the filtered set; sentence scope =
  the sentences (title = sentence 0) of filtered articles that mention at least one country.
  n_a = units mentioning a, n_ab = units mentioning both, N = number of units.
- *Jaccard* = n_ab / (n_a + n_b − n_ab); *PMI* = log2(p(a,b) / (p(a) p(b))) with p(x) =
  n_x / N; *NPMI* = PMI / −log2 p(a,b) (1.0 when p(a,b) = 1).
- *keyness*: Dunning/Rayson log-likelihood G² = 2 Σ O ln(O/E) over the 2×2 table of
  (term count, corpus size) for target vs reference, corpus sizes in words
  (``articles.word_count``); effect size = log2 ratio of relative frequencies (Hardie's
  "Log Ratio", a zero reference count is smoothed to 0.5). Only over-represented terms.
- *words* = ``articles.word_count`` (body text); term counts include the title.

How it stays fast (issue 4 budgets): the filtered article ids are computed once per
(filters, data version) into a connection-local temporary table that every query of a
page reuses (``_fa_table``); aggregations read the precomputed tables
(``article_entities``, ``country_pairs``, ``article_terms``), never ``text``, except to
verify an unlisted phrase on its index candidates and to cut snippets from the few
articles on screen. Corpus-wide term totals (keyness against "the rest"), the country
surface forms (term-cloud exclusion) and per-country unit counts are cached per data
version in small process-wide caches.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any, Literal, cast

import duckdb
import numpy as np
import pandas as pd

from presswatch import textquery
from presswatch.extract.terms import listed_phrases, term_id, tokenize
from presswatch.filters import UNKNOWN_SOURCE, Filters, KnownValues
from presswatch.precision import PRECISIONS_FOR, in_range_sql, period_last_day
from presswatch.store import data_version

Granularity = Literal["day", "week", "month", "quarter", "year"]
Measure = Literal["mentions", "articles", "share", "per10k_words"]
Scope = Literal["article", "sentence"]
CoMeasure = Literal["raw", "jaccard", "pmi", "npmi"]
EntityKind = Literal["country", "organisation", "term"]
ArticleOrder = Literal["newest", "oldest", "source", "title"]

GRANULARITIES: tuple[str, ...] = ("day", "week", "month", "quarter", "year")
MEASURES: tuple[str, ...] = ("mentions", "articles", "share", "per10k_words")
SCOPES: tuple[str, ...] = ("article", "sentence")
CO_MEASURES: tuple[str, ...] = ("raw", "jaccard", "pmi", "npmi")
ARTICLE_ORDERS: tuple[str, ...] = ("newest", "oldest", "source", "title")
WORD_PREFIX = "word:"  # entity id prefix for a free typed term, e.g. "word:joint exercise"


Conn = duckdb.DuckDBPyConnection

# SQL text in this module is assembled only from constants, the allow-listed names in the
# dicts below, placeholders ("?, ?") and fragments returned by Filters.to_sql/textquery
# (which follow the same rule); every value is bound. Hence the S608 suppressions.
_TRUNC: dict[str, str] = {g: g for g in GRANULARITIES}
_STEP: dict[str, str] = {
    "day": "1 day",
    "week": "7 days",
    "month": "1 month",
    "quarter": "3 months",
    "year": "1 year",
}
_ORDER: dict[str, str] = {
    "newest": "published_at DESC NULLS LAST, article_id",
    "oldest": "published_at ASC NULLS LAST, article_id",
    "source": "source ASC NULLS LAST, published_at DESC NULLS LAST, article_id",
    "title": "lower(title) ASC NULLS LAST, article_id",
}
_KINDS = ("country", "organisation", "term")
# Display name of an entity id: reference name, else the id without its "org:"/"term:"
# prefix. A country that is not a sovereign state says so ("Taiwan (territory)", "Soviet
# Union (historic)"), wherever countries are listed; the statuses are countries.tsv's.
STATUS_SUFFIX: dict[str, str] = {"territory": " (territory)", "historic": " (historic)"}
_STATUS_SQL = (
    "CASE en.status "
    + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in STATUS_SUFFIX.items())
    + " ELSE '' END"
)
_LABEL = f"en.name || {_STATUS_SQL}"
_NAME = f"coalesce({_LABEL}, regexp_replace({{col}}, '^(term|org):', ''))"
_TEXT = "coalesce({a}.title, '') || chr(10) || {a}.text"


def _check(value: str, allowed: Sequence[str] | dict[str, str], what: str) -> str:
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
    return value


def _df(conn: Conn, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """Run a query and fetch every row as a DataFrame (fully consumed, see store.fetch_one)."""
    return conn.execute(sql, list(params)).df()


def _rows(conn: Conn, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    return conn.execute(sql, list(params)).fetchall()


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


def _mention_expr(f: Filters, alias: str = "e") -> str:
    """How many mentions an article_entities row counts for under the filters."""
    if f.include_capitals:
        return f"({alias}.n_named + {alias}.n_capital)"
    return f"{alias}.n_named"


def _in_fa(f: Filters, alias: str) -> str:
    """``<alias>.article_id IN fa`` — or TRUE when nothing is filtered (skips a semi-join)."""
    if f.is_default:
        return "TRUE"
    return f"{alias}.article_id IN (SELECT article_id FROM fa)"  # noqa: S608


_FA_KEEP = 3  # filtered id sets kept per connection (the current and recent filter states)


def _fa_table(conn: Conn, f: Filters) -> str:
    """A table with the filtered articles' (article_id, published_at, date_precision, word_count).

    Unfiltered: ``articles`` itself. Otherwise a connection-local temporary table, made
    once per (filters, data version) and reused by every query of a page, so an
    expensive condition (a phrase search) runs once per filter change, not once per
    query. The name is ``pw_fa_`` + a hex digest — never user text. Only the
    ``_FA_KEEP`` most recent are kept. Each cursor is its own connection in DuckDB, so
    sessions/threads never see each other's tables.
    """
    if f.is_default:
        return "articles"
    try:
        version = data_version(conn)
    except duckdb.Error:  # a bare schema without store_meta (never in the app)
        version = -1
    digest = hashlib.blake2b(repr((f, version)).encode("utf-8"), digest_size=8).hexdigest()
    name = f"pw_fa_{digest}"
    found = _rows(
        conn,
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
        [name],
    )
    if found[0][0]:
        return name
    where, params = f.to_sql("a")
    conn.execute(
        f"CREATE TEMP TABLE {name} AS SELECT a.article_id, a.published_at, a.date_precision, "  # noqa: S608
        "a.word_count "
        f"FROM articles a WHERE {where}",
        params,
    )
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS pw_fa_log (name VARCHAR, seq BIGINT)")
    conn.execute("INSERT INTO pw_fa_log SELECT ?, coalesce(max(seq), 0) + 1 FROM pw_fa_log", [name])
    old = _rows(conn, "SELECT name FROM pw_fa_log ORDER BY seq DESC OFFSET ?", [_FA_KEEP])
    for (old_name,) in old:
        # Names come from our own log and are re-checked to be pw_fa_<hex digest>: an
        # identifier cannot be a bound parameter.
        if str(old_name).startswith("pw_fa_") and str(old_name)[6:].isalnum():
            conn.execute(f"DROP TABLE IF EXISTS {old_name}")
            conn.execute("DELETE FROM pw_fa_log WHERE name = ?", [old_name])
    return name


def _fa(conn: Conn, f: Filters, extra_cols: str = "") -> tuple[str, list[object]]:
    """CTE ``fa``: the filtered articles, columns article_id (+ ``extra_cols`` over alias a).

    ``extra_cols`` may use a.published_at, a.date_precision and a.word_count. Returns
    (sql, params); the params list is empty (kept so call sites stay uniform).
    """
    cols = "a.article_id" + (", " + extra_cols if extra_cols else "")
    return f"fa AS (SELECT {cols} FROM {_fa_table(conn, f)} a)", []  # noqa: S608


def _where_ids(conn: Conn, f: Filters, alias: str = "a") -> str:
    """Condition on ``<alias>.article_id`` selecting the filtered articles."""
    if f.is_default:
        return "TRUE"
    return f"{alias}.article_id IN (SELECT article_id FROM {_fa_table(conn, f)})"  # noqa: S608


# --------------------------------------------------------------------------- reference


def _span_end(conn: Conn, newest: datetime) -> date:
    """The last day of the period that ends last (31 December for a year-only date), so a
    range picked up to it holds every article (``Filters.to_sql`` keeps whole periods).

    Only a date of the newest stored date's year can end after that date's day.
    """
    rows = _rows(
        conn,
        "SELECT date_precision, max(published_at) FROM articles WHERE published_at >= ? GROUP BY 1",
        [datetime(newest.year, 1, 1)],
    )
    return max(period_last_day(last, p) for p, last in rows if isinstance(last, datetime))


def known_values(conn: Conn) -> KnownValues:
    """What the URL may name: sources, languages, entity ids (with display names), date span."""
    # Articles without a source are offered as one more source, UNKNOWN_SOURCE.
    sources = {
        r[0] if r[0] is not None else UNKNOWN_SOURCE
        for r in _rows(conn, "SELECT DISTINCT source FROM articles")
    }
    languages = {
        r[0]
        for r in _rows(conn, "SELECT DISTINCT language FROM articles WHERE language IS NOT NULL")
    }
    span = _rows(conn, "SELECT min(published_at), max(published_at) FROM articles")[0]
    ents = _rows(conn, f"SELECT entity_id, kind, {_LABEL} FROM entities en")  # noqa: S608
    groups = {
        r[0]
        for r in _rows(conn, "SELECT DISTINCT entity_id FROM article_entities WHERE kind = 'term'")
    }
    names: dict[str, str] = {eid: str(name) for eid, _kind, name in ents}  # type: ignore[misc]
    for g in groups:
        names.setdefault(str(g), str(g).removeprefix("term:"))
    groups |= {eid for eid, kind, _ in ents if kind == "term"}
    d_min, d_max = span
    return KnownValues(
        sources=frozenset(str(x) for x in sources),
        countries=frozenset(str(e) for e, k, _ in ents if k == "country"),
        organisations=frozenset(str(e) for e, k, _ in ents if k == "organisation"),
        groups=frozenset(str(g) for g in groups),
        languages=frozenset(str(x) for x in languages),
        date_min=d_min.date() if isinstance(d_min, datetime) else None,
        date_max=_span_end(conn, d_max) if isinstance(d_max, datetime) else None,
        names=names,
    )


def entity_choices(conn: Conn, f: Filters | None = None) -> pd.DataFrame:
    """Entities for pickers, most-mentioned first.

    Columns: entity_id, kind ('country' | 'organisation' | 'term'), name, articles
    (articles mentioning it in the filtered set, all articles when ``f`` is None).
    """
    g = f or Filters()
    cte, params = _fa(conn, g) if f is not None else ("", [])
    restrict = f"AND {_in_fa(g, 'e')}" if f is not None else ""
    sql = f"""
        {"WITH " + cte if cte else ""}
        {", " if cte else "WITH "} c AS (
            SELECT e.entity_id, any_value(e.kind) AS kind, count(*) AS articles
            FROM article_entities e
            WHERE {_mention_expr(g)} > 0 {restrict}
            GROUP BY 1
        )
        SELECT coalesce(en.entity_id, c.entity_id) AS entity_id,
               coalesce(en.kind, c.kind) AS kind,
               {_NAME.format(col="c.entity_id")} AS name,
               coalesce(c.articles, 0) AS articles
        FROM entities en FULL OUTER JOIN c ON en.entity_id = c.entity_id
        WHERE coalesce(en.kind, c.kind) IN ('country', 'organisation', 'term')
        ORDER BY articles DESC, name
    """  # noqa: S608
    return _df(conn, sql, params)


# --------------------------------------------------------------------------- overview


# The precision of the first/last date (to show it as "2021", not "2021-01-01"); on a tie
# the finest, which states the most about that moment.
_RANK = "CASE coalesce(a.date_precision, 'day') WHEN 'day' THEN 0 WHEN 'month' THEN 1 ELSE 2 END"
_FIRST_PRECISION = f"arg_min(coalesce(a.date_precision, 'day'), (a.published_at, {_RANK}))"
_LAST_PRECISION = f"arg_max(coalesce(a.date_precision, 'day'), (a.published_at, -{_RANK}))"


def corpus_overview(conn: Conn, f: Filters) -> pd.DataFrame:
    """One row: articles, words, first (timestamp), last, sources, languages, undated,
    first_precision, last_precision (of those two dates: day | month | year).

    ``sources`` counts the articles without a source as one more source, as the
    per-source table (``articles_by_source``) lists them as one group.
    """
    where = _where_ids(conn, f, "a")
    params: list[object] = []
    sql = f"""
        SELECT count(*) AS articles, coalesce(sum(a.word_count), 0)::BIGINT AS words,
               min(a.published_at) AS first, max(a.published_at) AS last,
               count(DISTINCT a.source) + (count(*) FILTER (WHERE a.source IS NULL) > 0)::INT
                   AS sources,
               count(DISTINCT a.language) AS languages,
               count(*) FILTER (WHERE a.published_at IS NULL) AS undated,
               {_FIRST_PRECISION} FILTER (WHERE a.published_at IS NOT NULL) AS first_precision,
               {_LAST_PRECISION} FILTER (WHERE a.published_at IS NOT NULL) AS last_precision
        FROM articles a WHERE {where}
    """  # noqa: S608
    return _df(conn, sql, params)


def count_articles(conn: Conn, f: Filters) -> int:
    """Number of articles in the filtered set."""
    table = _fa_table(conn, f)
    return int(_rows(conn, f"SELECT count(*) FROM {table}")[0][0])  # type: ignore[call-overload]  # noqa: S608


def _grid_sql(granularity: str) -> str:
    """CTE ``grid``: every period from the first to the last of CTE ``p`` (column period)."""
    step = _STEP[_check(granularity, _STEP, "granularity")]
    return (
        "grid AS (SELECT unnest(generate_series(min(period), max(period), "  # noqa: S608
        f"INTERVAL '{step}')) AS period FROM p)"
    )


def _fits_bins(granularity: str, alias: str = "a") -> str:
    """Condition: ``<alias>``'s date is precise enough for bins of ``granularity``.

    A year-only date (stored as 1 January) counts only in year bins, a month-only date
    (stored as the 1st) in month, quarter and year bins: see ``presswatch.precision``. The
    precision names come from that fixed table, never from the user.
    """
    allowed = PRECISIONS_FOR[_check(granularity, _TRUNC, "granularity")]
    names = ", ".join(f"'{p}'" for p in allowed)
    return f"coalesce({alias}.date_precision, 'day') IN ({names})"


def _period_expr(granularity: str, alias: str = "a") -> str:
    """The bin of ``<alias>``'s date at ``granularity``; NULL when undated or too coarse."""
    g = _TRUNC[_check(granularity, _TRUNC, "granularity")]
    return f"CASE WHEN {_fits_bins(g, alias)} THEN date_trunc('{g}', {alias}.published_at) END"


def dates_too_coarse(conn: Conn, f: Filters, granularity: Granularity = "month") -> dict[str, int]:
    """Dated articles of the filtered set left out of ``granularity`` bins, per precision.

    {"month": n, "year": m} with only the non-zero entries: month-only dates at day/week
    granularity, year-only dates at anything finer than year. The pages say how many and
    offer the coarser granularity that would hold them.
    """
    g = _TRUNC[_check(granularity, _TRUNC, "granularity")]
    sql = f"""
        SELECT coalesce(a.date_precision, 'day') AS precision, count(*) AS n
        FROM articles a
        WHERE a.published_at IS NOT NULL AND NOT ({_fits_bins(g)}) AND {_where_ids(conn, f, "a")}
        GROUP BY 1
    """  # noqa: S608
    return {str(p): int(n) for p, n in _rows(conn, sql) if int(n)}  # type: ignore[call-overload]


def articles_per_period(conn: Conn, f: Filters, granularity: Granularity = "month") -> pd.DataFrame:
    """Dated articles of the filtered set per period. Columns: period (timestamp), articles.

    Every period between the first and the last is present (0 where nothing was published).
    Dates coarser than the granularity are not counted (``dates_too_coarse`` counts them).
    """
    g = _TRUNC[_check(granularity, _TRUNC, "granularity")]
    where = _where_ids(conn, f, "a")
    params: list[object] = []
    sql = f"""
        WITH p AS (
            SELECT date_trunc('{g}', a.published_at) AS period, count(*) AS articles
            FROM articles a
            WHERE a.published_at IS NOT NULL AND {_fits_bins(g)} AND {where} GROUP BY 1
        ), {_grid_sql(g)}
        SELECT grid.period, coalesce(p.articles, 0) AS articles
        FROM grid LEFT JOIN p USING (period) ORDER BY grid.period
    """  # noqa: S608
    return _df(conn, sql, params)


def top_entities(
    conn: Conn, f: Filters, kind: EntityKind = "country", limit: int = 15
) -> pd.DataFrame:
    """Most-mentioned entities of a kind. Columns: entity_id, name, articles, mentions.

    Ordered by articles (desc), then mentions, then name.
    """
    _check(kind, _KINDS, "entity kind")
    cte, params = _fa(conn, f)
    m = _mention_expr(f)
    sql = f"""
        WITH {cte},
        agg AS (
            SELECT e.entity_id, count(*) AS articles, sum({m})::BIGINT AS mentions
            FROM article_entities e
            WHERE e.kind = ? AND {m} > 0 AND {_in_fa(f, "e")}
            GROUP BY 1
        )
        SELECT agg.entity_id, {_NAME.format(col="agg.entity_id")} AS name,
               agg.articles, agg.mentions
        FROM agg LEFT JOIN entities en ON en.entity_id = agg.entity_id
        ORDER BY agg.articles DESC, agg.mentions DESC, name
        LIMIT ?
    """  # noqa: S608
    return _df(conn, sql, [*params, kind, max(1, int(limit))])


def articles_by_source(conn: Conn, f: Filters, limit: int = 50) -> pd.DataFrame:
    """Filtered articles per source, most first. Columns: source, articles, first, last,
    first_precision, last_precision.

    Articles without a source are grouped under ``UNKNOWN_SOURCE``; first/last ignore
    undated ones.
    """
    cte, params = _fa(conn, f)
    sql = f"""
        WITH {cte}
        SELECT coalesce(a.source, ?) AS source, count(*) AS articles,
               min(a.published_at) AS first, max(a.published_at) AS last,
               {_FIRST_PRECISION} FILTER (WHERE a.published_at IS NOT NULL) AS first_precision,
               {_LAST_PRECISION} FILTER (WHERE a.published_at IS NOT NULL) AS last_precision
        FROM articles a WHERE {_in_fa(f, "a")}
        GROUP BY 1 ORDER BY articles DESC, source LIMIT ?
    """  # noqa: S608
    return _df(conn, sql, [*params, UNKNOWN_SOURCE, max(1, int(limit))])


def recent_ingest_runs(conn: Conn, limit: int = 10) -> pd.DataFrame:
    """Latest ingest runs, newest first: the ``ingest_runs`` columns plus ``seconds``."""
    sql = """
        SELECT *, date_diff('millisecond', started_at, finished_at) / 1000.0 AS seconds
        FROM ingest_runs ORDER BY run_id DESC LIMIT ?
    """
    return _df(conn, sql, [max(1, int(limit))])


def rejects_for_run(conn: Conn, run_id: int, limit: int = 1000) -> pd.DataFrame:
    """Rejected files/records of one run. Columns: origin_file, origin_record, reason, detail."""
    sql = """
        SELECT origin_file, origin_record, reason, detail FROM rejects
        WHERE run_id = ? ORDER BY origin_file, origin_record LIMIT ?
    """
    return _df(conn, sql, [int(run_id), max(1, int(limit))])


# --------------------------------------------------------------------------- entity hits


def _word_hits(text: str) -> tuple[str, list[object]] | None:
    """SELECT article_id, mentions for a free typed term; None when nothing is searchable."""
    parsed = textquery.parse(text.replace('"', " ").strip())
    node = parsed.node
    if node is None:
        return None
    if isinstance(node, textquery.Word | textquery.Prefix):  # with the compounds it is in
        ids_sql, ids_params = textquery.term_ids_sql(node)
        return (
            "SELECT article_id, sum(n)::BIGINT AS mentions FROM article_terms "  # noqa: S608
            f"WHERE term_id IN ({ids_sql}) GROUP BY 1",
            ids_params,
        )
    # several words: the whole typed text is one phrase, counted on title + text
    tokens = tuple(tokenize(text.replace('"', " ")))
    if text.rstrip().endswith("*") and tokens:
        tokens = (*tokens[:-1], tokens[-1] + "*")
    if " ".join(tokens) in listed_phrases():  # indexed whole: no text scan needed
        return "SELECT article_id, n AS mentions FROM article_terms WHERE term_id = ?", [
            term_id(" ".join(tokens))
        ]
    cond, params = textquery.to_sql(textquery.Phrase(tokens), "v")
    pattern = textquery.phrase_regex(tokens)
    sql = (
        f"SELECT v.article_id, len(regexp_extract_all({_TEXT.format(a='v')}, ?)) AS mentions "  # noqa: S608
        f"FROM articles v WHERE {cond}"
    )
    return sql, [pattern, *params]


def _entity_hits(f: Filters, entity_id: str) -> tuple[str, list[object]] | None:
    """SELECT article_id, mentions (> 0) for any entity id, over the whole corpus."""
    if entity_id.startswith(WORD_PREFIX):
        return _word_hits(entity_id[len(WORD_PREFIX) :])
    m = _mention_expr(f)
    return (
        f"SELECT e.article_id, {m} AS mentions FROM article_entities e "  # noqa: S608
        f"WHERE e.entity_id = ? AND {m} > 0",
        [entity_id],
    )


_TYPED_QUOTES = str.maketrans({q: " " for q in '"“”„'})


def entity_label(entity_id: str, names: dict[str, str] | None = None) -> str:
    """Display label of an entity id ("word:joint exercise" -> '“joint exercise”').

    Quotes typed around a term (``"south china sea"``) count for nothing (see
    ``_word_hits``), so they are dropped rather than shown inside the label's own quotes.
    """
    if entity_id.startswith(WORD_PREFIX):
        typed = entity_id[len(WORD_PREFIX) :]
        return "“" + " ".join(typed.translate(_TYPED_QUOTES).split()) + "”"
    if names and entity_id in names:
        return names[entity_id]
    return entity_id.split(":", 1)[-1] if ":" in entity_id else entity_id


def _names(conn: Conn, ids: Sequence[str]) -> dict[str, str]:
    ids = [i for i in ids if not i.startswith(WORD_PREFIX)]
    if not ids:
        return {}
    sql = f"SELECT entity_id, {_LABEL} FROM entities en WHERE entity_id IN ({_marks(ids)})"  # noqa: S608
    rows = _rows(conn, sql, ids)
    return {str(a): str(b) for a, b in rows}


# --------------------------------------------------------------------------- mentions over time


def mentions_over_time(
    conn: Conn,
    f: Filters,
    entity_ids: Sequence[str],
    granularity: Granularity = "month",
    measure: Measure = "mentions",
    rolling: int = 1,
) -> pd.DataFrame:
    """One row per (period, entity) over every period of the filtered set's dated span.

    ``entity_ids``: country codes ("RU"), "org:…", "term:…" watch-list groups, or free
    typed terms "word:<text>" (looked up in the term index; several words = a phrase).
    Columns: period (timestamp), entity_id, label, mentions, articles, total_articles,
    total_words, value (the chosen ``measure``; NaN for share/per10k where the period has
    no articles), and ``value`` is a trailing mean over ``rolling`` periods when > 1.
    Unknown ids yield zeros (the page validates them against ``known_values``). Dates
    coarser than the granularity are in no period (``dates_too_coarse`` counts them).
    """
    g = _TRUNC[_check(granularity, _TRUNC, "granularity")]
    _check(measure, MEASURES, "measure")
    ids = list(dict.fromkeys(entity_ids))
    cte, params = _fa(conn, f, f"{_period_expr(g)} AS period, a.word_count")
    totals_sql = f"""
        WITH {cte},
        p AS (
            SELECT period, count(*) AS total_articles, sum(word_count)::BIGINT AS total_words
            FROM fa WHERE period IS NOT NULL GROUP BY 1
        ), {_grid_sql(g)}
        SELECT grid.period, coalesce(p.total_articles, 0) AS total_articles,
               coalesce(p.total_words, 0) AS total_words
        FROM grid LEFT JOIN p USING (period) ORDER BY grid.period
    """  # noqa: S608
    totals = _df(conn, totals_sql, params)
    columns = ["period", "entity_id", "label", "mentions", "articles", "total_articles",
               "total_words", "value"]  # fmt: skip
    if totals.empty or not ids:
        return pd.DataFrame(columns=columns)

    parts: list[str] = []
    hit_params: list[object] = []
    stored = [e for e in ids if not e.startswith(WORD_PREFIX)]
    if stored:  # one scan of article_entities for every stored entity
        m = _mention_expr(f)
        parts.append(
            f"SELECT e.entity_id, e.article_id, {m} AS mentions FROM article_entities e "  # noqa: S608
            f"WHERE e.entity_id IN ({_marks(stored)}) AND {m} > 0"
        )
        hit_params.extend(stored)
    for eid in ids:
        if eid in stored:
            continue
        hits = _entity_hits(f, eid)
        if hits is None:
            continue
        sql, p = hits
        parts.append(f"SELECT ? AS entity_id, article_id, mentions FROM ({sql})")  # noqa: S608
        hit_params.extend([eid, *p])
    counts = pd.DataFrame(columns=["period", "entity_id", "mentions", "articles"])
    if parts:
        sql = f"""
            WITH {cte}, h AS ({" UNION ALL ".join(parts)})
            SELECT fa.period, h.entity_id, sum(h.mentions)::BIGINT AS mentions,
                   count(*) AS articles  -- one hit row per (article, entity)
            FROM h JOIN fa ON fa.article_id = h.article_id
            WHERE fa.period IS NOT NULL AND h.mentions > 0
            GROUP BY 1, 2
        """  # noqa: S608
        counts = _df(conn, sql, [*params, *hit_params])

    names = _names(conn, ids)
    grid = totals.merge(pd.DataFrame({"entity_id": ids}), how="cross")
    out = grid.merge(counts, on=["period", "entity_id"], how="left")
    out["mentions"] = out["mentions"].fillna(0).astype("int64")
    out["articles"] = out["articles"].fillna(0).astype("int64")
    out["label"] = [entity_label(e, names) for e in out["entity_id"]]
    ta = out["total_articles"].astype("float64")
    tw = out["total_words"].astype("float64")
    if measure == "mentions":
        value = out["mentions"].astype("float64")
    elif measure == "articles":
        value = out["articles"].astype("float64")
    elif measure == "share":
        value = out["articles"] / ta.where(ta > 0)
    else:
        value = out["mentions"] / tw.where(tw > 0) * 10_000
    out["value"] = value
    out = out.sort_values(["entity_id", "period"], kind="stable")
    if rolling > 1:
        out["value"] = out.groupby("entity_id", sort=False)["value"].transform(
            lambda s: s.rolling(int(rolling), min_periods=1).mean()
        )
    order = {e: i for i, e in enumerate(ids)}
    out["_o"] = out["entity_id"].map(order)
    out = out.sort_values(["_o", "period"], kind="stable").drop(columns="_o")
    return out[columns].reset_index(drop=True)


def period_bounds(
    period_start: datetime | date, granularity: Granularity
) -> tuple[datetime, datetime]:
    """[start, end) of the period starting at ``period_start`` ("articles behind a point")."""
    _check(granularity, _STEP, "granularity")
    start = pd.Timestamp(period_start).to_pydatetime()
    if granularity == "day":
        end = start + timedelta(days=1)
    elif granularity == "week":
        end = start + timedelta(days=7)
    else:
        months = {"month": 1, "quarter": 3, "year": 12}[granularity]
        end = (pd.Timestamp(start) + pd.DateOffset(months=months)).to_pydatetime()
    return start, end


def _article_cols(alias: str = "a") -> str:
    return ", ".join(
        f"{alias}.{c}"
        for c in (
            "article_id",
            "published_at",
            "date_precision",
            "source",
            "title",
            "url",
            "language",
            "word_count",
        )
    )


def _with_countries(
    conn: Conn, f: Filters, page_sql: str, params: list[object], order: str
) -> pd.DataFrame:
    """Add a ``countries`` column (names, most-mentioned first) to a small article result."""
    m = _mention_expr(f)
    sql = f"""
        WITH page AS ({page_sql}),
        ctry AS (
            SELECT e.article_id,
                   string_agg({_NAME.format(col="e.entity_id")}, ', '
                              ORDER BY {m} DESC, {_NAME.format(col="e.entity_id")}) AS countries
            FROM article_entities e LEFT JOIN entities en ON en.entity_id = e.entity_id
            WHERE e.kind = 'country' AND {m} > 0
              AND e.article_id IN (SELECT article_id FROM page)
            GROUP BY 1
        )
        SELECT page.*, coalesce(ctry.countries, '') AS countries
        FROM page LEFT JOIN ctry USING (article_id)
        ORDER BY {order}
    """  # noqa: S608
    return _df(conn, sql, params)


def articles_for_period(
    conn: Conn,
    f: Filters,
    entity_id: str | None,
    period_start: datetime | date,
    period_end: datetime | date,
    limit: int = 500,
    granularity: Granularity | None = None,
) -> pd.DataFrame:
    """Articles of the filtered set published in [period_start, period_end) mentioning the entity.

    ``entity_id`` None = all articles of the period. Columns as ``articles_page`` plus
    ``mentions`` (of that entity in the article), ordered by date. With ``granularity``
    (the chart's), only the articles that chart counts: dates precise enough for its bins.
    As in ``Filters.to_sql``, an article's whole date period must be inside (a year-only
    date is not in its January).
    """
    where = _where_ids(conn, f, "a")
    if granularity is not None:
        where = f"{where} AND {_fits_bins(granularity)}"
    inside, params = in_range_sql(
        pd.Timestamp(period_start).date(), pd.Timestamp(period_end).date(), "a"
    )
    hits = _entity_hits(f, entity_id) if entity_id else None
    if entity_id and hits is None:
        hits = ("SELECT NULL::BIGINT AS article_id, 0 AS mentions WHERE FALSE", [])
    if hits is None:
        page = (
            f"SELECT {_article_cols()}, NULL::BIGINT AS mentions FROM articles a "  # noqa: S608
            f"WHERE {where} AND {inside} "
            f"ORDER BY a.published_at, a.article_id LIMIT ?"
        )
        page_params = [*params, max(1, int(limit))]
    else:
        hsql, hparams = hits
        page = (
            f"SELECT {_article_cols()}, h.mentions FROM articles a "  # noqa: S608
            f"JOIN ({hsql}) h ON h.article_id = a.article_id "
            f"WHERE h.mentions > 0 AND {where} AND {inside} "
            f"ORDER BY a.published_at, a.article_id LIMIT ?"
        )
        page_params = [*hparams, *params, max(1, int(limit))]
    return _with_countries(conn, f, page, page_params, "published_at, article_id")


# --------------------------------------------------------------------------- co-occurrence


def _pair_counts_sql(f: Filters, scope: str, where_pair: str) -> str:
    """CTE ``pc`` (a, b, n_ab) from ``country_pairs``, restricted by ``where_pair`` (on p.a/p.b).

    Article scope counts articles; sentence scope sums the sentences in which both occur
    (``n``, or ``n_named`` when capital-city mentions are not counted).
    """
    _check(scope, SCOPES, "scope")
    col = "n" if f.include_capitals else "n_named"
    if scope == "article":
        agg = "count(*)"
    else:
        agg = f"sum(p.{col})::BIGINT"
    return f"""
        pc AS (
            SELECT p.a, p.b, {agg} AS n_ab FROM country_pairs p
            WHERE p.scope = ? AND p.{col} > 0 AND ({where_pair})
              AND {_in_fa(f, "p")}
            GROUP BY 1, 2
        )
    """  # noqa: S608


def _measures(df: pd.DataFrame, measure: str, min_count: int) -> pd.DataFrame:
    """Add jaccard, pmi, npmi and value to rows with n_ab, n_a, n_b, n_units."""
    n_ab = df["n_ab"].astype("float64")
    n_a = df["n_a"].astype("float64")
    n_b = df["n_b"].astype("float64")
    n = df["n_units"].astype("float64")
    union = n_a + n_b - n_ab
    df["jaccard"] = (n_ab / union.where(union > 0)).fillna(0.0)
    ab, a, b, units = (x.to_numpy() for x in (n_ab, n_a, n_b, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        p_ab = np.where(units > 0, ab / units, np.nan)
        pmi = np.log2(ab * units / (a * b))
        neg_log = -np.log2(p_ab)
        npmi = np.where(neg_log > 0, pmi / neg_log, np.nan)
    npmi = np.where((p_ab == 1.0) & (ab > 0), 1.0, npmi)  # always together: NPMI = 1
    df["pmi"] = np.where(ab > 0, pmi, np.nan)
    df["npmi"] = np.where(ab > 0, npmi, np.nan)
    col = {"raw": "n_ab", "jaccard": "jaccard", "pmi": "pmi", "npmi": "npmi"}[measure]
    value = df[col].astype("float64")
    df["value"] = value.where(n_ab >= max(1, int(min_count)))
    return df


def _entity_units(conn: Conn, f: Filters, scope: str) -> tuple[pd.DataFrame, int, int]:
    """Per country: units mentioning it (entity_id, name, units); the number of units; and
    the number of units that mention at least one country.

    In article scope the units are all articles of the filtered set (PMI's N), so the
    last number is smaller whenever some articles mention no country; in sentence scope
    the units are already the sentences that mention one, so the two are equal.

    Both scopes read per-article counts precomputed at ingest (sentence scope:
    ``article_entities.n_sentences*`` and ``articles.country_sentences*``). Results are
    kept in the small per-data-version cache, keyed by the filters as well: the heatmap,
    the network and the partner list of one filter state compute it once.
    """
    key = _cache_key(conn, f"units:{scope}:{f!r}")
    cached = _SMALL_CACHE.get(key) if key else None
    if cached is not None:
        units_c, n_c, nc_c = cast("tuple[pd.DataFrame, int, int]", cached)
        return units_c.copy(), int(n_c), int(nc_c)
    cte, params = _fa(conn, f)
    _check(scope, SCOPES, "scope")
    if scope == "sentence":
        ns, cs = (
            ("n_sentences", "country_sentences")
            if f.include_capitals
            else ("n_sentences_named", "country_sentences_named")
        )
        units_sql = f"""
            ent AS (
                SELECT e.entity_id, sum(e.{ns})::BIGINT AS units FROM article_entities e
                WHERE e.kind = 'country' AND e.{ns} > 0 AND {_in_fa(f, "e")} GROUP BY 1
            ),
            nu AS (
                SELECT coalesce(sum(a.{cs}), 0)::BIGINT AS n_units,
                       coalesce(sum(a.{cs}), 0)::BIGINT AS n_country
                FROM articles a WHERE {_in_fa(f, "a")}
            )
        """  # noqa: S608
    else:
        m = _mention_expr(f)
        units_sql = f"""
            ent AS (
                SELECT e.entity_id, count(*) AS units FROM article_entities e
                WHERE e.kind = 'country' AND {m} > 0 AND {_in_fa(f, "e")} GROUP BY 1
            ),
            nu AS (
                SELECT (SELECT count(*) FROM fa) AS n_units,
                       (SELECT count(DISTINCT e.article_id) FROM article_entities e
                        WHERE e.kind = 'country' AND {m} > 0 AND {_in_fa(f, "e")}) AS n_country
            )
        """  # noqa: S608
    sql = f"""
        WITH {cte}, {units_sql}
        SELECT ent.entity_id, {_NAME.format(col="ent.entity_id")} AS name, ent.units,
               (SELECT n_units FROM nu) AS n_units, (SELECT n_country FROM nu) AS n_country
        FROM ent LEFT JOIN entities en ON en.entity_id = ent.entity_id
        ORDER BY ent.units DESC, ent.entity_id
    """  # noqa: S608
    units = _df(conn, sql, params)
    if units.empty:  # no country in the filtered set; still report the number of units
        n_sql = f"WITH {cte}, {units_sql} SELECT n_units, n_country FROM nu"  # noqa: S608
        row = _rows(conn, n_sql, params)[0]
        n, n_country = int(row[0]), int(row[1])  # type: ignore[call-overload]
    else:
        n, n_country = int(units["n_units"].iloc[0]), int(units["n_country"].iloc[0])
    units = units.drop(columns=["n_units", "n_country"])
    if key:
        _cache_put(key, (units, n, n_country), small=True)
    return units.copy(), n, n_country


def cooccurrence_nodes(
    conn: Conn, f: Filters, scope: Scope = "article", top_n: int = 15
) -> pd.DataFrame:
    """The ``top_n`` countries of the scope.

    Columns: entity_id, name, units (n_a), n_units (N), n_with_country (units that mention
    at least one country).
    """
    units, n, n_country = _entity_units(conn, f, scope)
    out = units.head(max(1, int(top_n))).reset_index(drop=True)
    out["n_units"] = n
    out["n_with_country"] = n_country
    return out


def _given_nodes(conn: Conn, f: Filters, scope: str, entity_ids: Sequence[str]) -> pd.DataFrame:
    """``cooccurrence_nodes`` columns for given countries (units 0 where the set has none)."""
    units, n, n_country = _entity_units(conn, f, scope)
    ids = list(dict.fromkeys(entity_ids))
    found = units.set_index("entity_id")
    names = _names(conn, ids)
    return pd.DataFrame(
        {
            "entity_id": ids,
            "name": [
                found["name"].get(i) if i in found.index else entity_label(i, names) for i in ids
            ],
            "units": [int(found["units"].get(i, 0)) if i in found.index else 0 for i in ids],
            "n_units": n,
            "n_with_country": n_country,
        }
    )


def cooccurrence(
    conn: Conn,
    f: Filters,
    scope: Scope = "article",
    top_n: int = 15,
    measure: CoMeasure = "raw",
    min_count: int = 1,
    entity_ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Pairs among the ``top_n`` countries (by units mentioning them), long form, a < b.

    Columns: a, b, a_name, b_name, n_ab, n_a, n_b, n_units, jaccard, pmi, npmi, value
    (the chosen measure; NaN where n_ab < min_count). Includes pairs with n_ab = 0.
    ``entity_ids`` replaces the top countries by a given set (``top_n`` is then unused),
    so several filter sets can be compared cell by cell (presswatch.compare).
    """
    _check(measure, CO_MEASURES, "measure")
    if entity_ids is None:
        nodes = cooccurrence_nodes(conn, f, scope, top_n)
    else:
        nodes = _given_nodes(conn, f, scope, entity_ids)
    columns = ["a", "b", "a_name", "b_name", "n_ab", "n_a", "n_b", "n_units", "jaccard",
               "pmi", "npmi", "value"]  # fmt: skip
    if len(nodes) < 2:
        return pd.DataFrame(columns=columns)
    ids = list(nodes["entity_id"])
    cte, params = _fa(conn, f)
    where_pair = f"p.a IN ({_marks(ids)}) AND p.b IN ({_marks(ids)})"
    sql = f"""
        WITH {cte}, {_pair_counts_sql(f, scope, where_pair)}
        SELECT a, b, n_ab FROM pc
    """  # noqa: S608
    counts = _df(conn, sql, [*params, scope, *ids, *ids])
    info = nodes.set_index("entity_id")
    pairs = [(a, b) for i, a in enumerate(sorted(ids)) for b in sorted(ids)[i + 1 :]]
    df = pd.DataFrame(pairs, columns=["a", "b"])
    df = df.merge(counts, on=["a", "b"], how="left")
    df["n_ab"] = df["n_ab"].fillna(0).astype("int64")
    df["a_name"] = df["a"].map(info["name"])
    df["b_name"] = df["b"].map(info["name"])
    df["n_a"] = df["a"].map(info["units"]).astype("int64")
    df["n_b"] = df["b"].map(info["units"]).astype("int64")
    df["n_units"] = int(nodes["n_units"].iloc[0])
    df = _measures(df, measure, min_count)
    return df[columns]


def cooccurrence_matrix(pairs: pd.DataFrame, value: str = "value") -> pd.DataFrame:
    """Square symmetric matrix (index/columns = country names) from ``cooccurrence`` output.

    The diagonal is NaN; missing pairs are NaN.
    """
    if pairs.empty:
        return pd.DataFrame(dtype="float64")
    names = list(dict.fromkeys([*pairs["a_name"], *pairs["b_name"]]))
    mat = pd.DataFrame(np.nan, index=names, columns=names, dtype="float64")
    for a, b, v in zip(pairs["a_name"], pairs["b_name"], pairs[value], strict=True):
        mat.loc[a, b] = v
        mat.loc[b, a] = v
    return mat


def partners_of(
    conn: Conn,
    f: Filters,
    focus: str,
    scope: Scope = "article",
    measure: CoMeasure = "raw",
    min_count: int = 1,
    limit: int = 50,
) -> pd.DataFrame:
    """Countries appearing with ``focus``, ranked by ``measure`` (desc) then n_ab.

    Columns: entity_id, name, n_ab, n_a (focus), n_b, n_units, jaccard, pmi, npmi, value.
    Only partners with n_ab >= max(1, min_count).
    """
    _check(measure, CO_MEASURES, "measure")
    columns = ["entity_id", "name", "n_ab", "n_a", "n_b", "n_units", "jaccard", "pmi",
               "npmi", "value"]  # fmt: skip
    cte, params = _fa(conn, f)
    sql = f"""
        WITH {cte}, {_pair_counts_sql(f, scope, "p.a = ? OR p.b = ?")}
        SELECT CASE WHEN a = ? THEN b ELSE a END AS entity_id, n_ab FROM pc WHERE n_ab >= ?
    """  # noqa: S608
    pairs = _df(conn, sql, [*params, scope, focus, focus, focus, max(1, int(min_count))])
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    units, n, _ = _entity_units(conn, f, scope)
    info = units.set_index("entity_id")
    if focus not in info.index:
        return pd.DataFrame(columns=columns)
    df = pairs.merge(units, on="entity_id", how="inner")
    df["n_a"] = int(info.at[focus, "units"])  # type: ignore[arg-type]
    df = df.rename(columns={"units": "n_b"})
    df["n_units"] = n
    df = _measures(df, measure, min_count)
    df = df.sort_values(["value", "n_ab", "name"], ascending=[False, False, True], kind="stable")
    return df[columns].head(max(1, int(limit))).reset_index(drop=True)


def articles_for_pair(
    conn: Conn, f: Filters, a: str, b: str, scope: Scope = "article", limit: int = 500
) -> pd.DataFrame:
    """Articles of the filtered set where countries a and b co-occur (same sentence for that scope).

    Columns as ``articles_page`` plus ``n`` (sentences with both for sentence scope, else 1).
    """
    _check(scope, SCOPES, "scope")
    a, b = sorted((a, b))
    cte, params = _fa(conn, f)
    sql_pairs = f"""
        WITH {cte}, {_pair_counts_sql_by_article(f, scope)}
        SELECT article_id, n FROM pa
    """  # noqa: S608
    page = (
        f"SELECT {_article_cols()}, pa.n FROM articles a "  # noqa: S608
        f"JOIN ({sql_pairs}) pa ON pa.article_id = a.article_id "
        "ORDER BY a.published_at DESC NULLS LAST, a.article_id LIMIT ?"
    )
    return _with_countries(
        conn,
        f,
        page,
        [*params, scope, a, b, max(1, int(limit))],
        "published_at DESC NULLS LAST, article_id",
    )


def _pair_counts_sql_by_article(f: Filters, scope: str) -> str:
    """CTE ``pa`` (article_id, n) for the pair bound as parameters (scope, a, b with a < b)."""
    col = "n" if f.include_capitals else "n_named"
    return f"""
        pa AS (
            SELECT p.article_id, p.{col} AS n FROM country_pairs p
            WHERE p.scope = ? AND p.{col} > 0 AND p.a = ? AND p.b = ?
              AND {_in_fa(f, "p")}
        )
    """  # noqa: S608


# --------------------------------------------------------------------------- terms


def _country_surfaces(conn: Conn) -> list[str]:
    """Every detected surface form of a country (names, demonyms, capitals) in the corpus.

    The whole corpus rather than the filtered set: the same list for every view, and
    cached per database file and data version (it only changes when articles are added).
    """
    key = _cache_key(conn, "surfaces")
    cached = _CACHE.get(key) if key else None
    if cached is not None:
        return list(cached)  # type: ignore[call-overload]
    sql = "SELECT DISTINCT surface FROM mentions WHERE kind IN ('country', 'capital')"
    surfaces = [str(r[0]) for r in _rows(conn, sql)]
    if key:
        _cache_put(key, surfaces)
    return surfaces


_Unit = tuple[str, ...]


def _excluded_words(
    conn: Conn, exclude_countries: bool, extra_stopwords: Sequence[str]
) -> tuple[set[str], set[str], set[_Unit]]:
    """(exact terms to drop, words whose phrases are dropped too, multi-word units).

    A unit is an excluded name of several words ("hong kong", "south korea"): dropped as a
    whole, in any longer term that contains it, and taken off the counts of its words (see
    ``_inside_units``), so that "hong" and "kong" do not stay behind.
    """
    exact: set[str] = set()
    words: set[str] = set()
    units: set[_Unit] = set()
    surfaces: list[str] = list(extra_stopwords)
    if exclude_countries:
        surfaces.extend(_country_surfaces(conn))
    for s in surfaces:
        toks = tokenize(s)
        if toks:
            exact.add(" ".join(toks))
            if len(toks) == 1:
                words.add(toks[0])
            else:
                units.add(tuple(toks))
    return exact, words, units


def _keep_term(
    term: str, exact: set[str], words: set[str], units: set[_Unit], include_numbers: bool
) -> bool:
    if term in exact or (not include_numbers and term.isdigit()):
        return False
    if " " not in term and "-" not in term:
        return True
    # A hyphen joins units too: "china-us" and "china-us relations" hold China and the US,
    # "hong kong-based" holds Hong Kong.
    parts = term.replace("-", " ").split()
    if any(w in words for w in parts):
        return False
    return not any(
        tuple(parts[i : i + len(u)]) == u for u in units for i in range(len(parts) - len(u) + 1)
    )


def _inside_units(conn: Conn, f: Filters, units: set[_Unit]) -> dict[str, int]:
    """Occurrences of each word inside the excluded units in the filtered set.

    Multi-word country and capital names are indexed whole in every article (see
    extract.terms), so a unit's count is one look-up. A unit inside a longer one ("republic
    of korea" in "democratic people republic of korea") counts only its own occurrences,
    so a word is not taken off twice.
    """
    if not units:
        return {}
    cte, params = _fa(conn, f)
    by_id = {term_id(" ".join(u)): u for u in units}
    sql = f"""
        WITH {cte}
        SELECT x.term_id, sum(x.n)::BIGINT AS n FROM article_terms x
        WHERE {_in_fa(f, "x")} AND x.term_id IN (SELECT unnest(?::BIGINT[]))
        GROUP BY 1
    """  # noqa: S608
    df = _df(conn, sql, [*params, list(by_id)])
    total = {by_id[int(tid)]: int(n) for tid, n in df.itertuples(index=False)}
    own: dict[_Unit, int] = {}
    for u in sorted(total, key=len, reverse=True):  # longest first
        within = sum(
            n
            for v, n in own.items()
            if len(v) > len(u) and any(v[i : i + len(u)] == u for i in range(len(v) - len(u) + 1))
        )
        own[u] = max(0, total[u] - within)
    inside: dict[str, int] = {}
    for u, n in own.items():
        for w in u:
            inside[w] = inside.get(w, 0) + n
    return inside


def _top_terms(
    conn: Conn,
    f: Filters,
    want: int,
    excluded: tuple[set[str], set[str], set[_Unit]],
    include_numbers: bool,
    inside: dict[str, int],
) -> pd.DataFrame:
    """The ``want`` most frequent kept terms of the filtered set: term_id, term, n, articles.

    Aggregates the term index once, takes the top rows by count in SQL and drops excluded
    terms in Python (a few set look-ups), fetching more only when too many were dropped.
    ``inside`` (word -> occurrences inside excluded units) is taken off the words' counts.
    """
    exact, words, units = excluded
    cte, params = _fa(conn, f)
    fetch = want + len(exact) // 4 + 100
    while True:
        sql = f"""
            WITH {cte},
            agg AS (
                SELECT x.term_id, sum(x.n)::BIGINT AS n, count(*) AS articles
                FROM article_terms x WHERE {_in_fa(f, "x")} GROUP BY 1
            ),
            top AS (SELECT * FROM agg ORDER BY n DESC, term_id LIMIT ?)
            SELECT top.term_id, t.term, top.n, top.articles
            FROM top JOIN terms t ON t.term_id = top.term_id
        """  # noqa: S608
        df = _df(conn, sql, [*params, fetch])
        if inside:
            df["n"] = [
                int(n) - inside.get(str(t), 0) for t, n in zip(df["term"], df["n"], strict=True)
            ]
        keep = [
            _keep_term(str(t), exact, words, units, include_numbers) and n > 0
            for t, n in zip(df["term"], df["n"], strict=True)
        ]
        kept = df.loc[pd.Series(keep, index=df.index, dtype=bool)]
        if len(kept) >= want or len(df) < fetch:
            kept = kept.sort_values(["n", "term"], ascending=[False, True], kind="stable")
            return kept.head(want).reset_index(drop=True)
        fetch *= 4


def _fold_phrases(top: pd.DataFrame) -> pd.DataFrame:
    """Count a phrase's occurrences once: take them off the counts of its own words.

    The index keeps "united states" beside "united" and "states"; a cloud that showed all
    three at full size would count those words twice. ``articles`` is left as it is.
    """
    n = dict(zip(top["term"], top["n"].astype(int), strict=True))
    for term, count in list(n.items()):
        if " " in term:
            for word in set(term.split()):
                if word in n and " " not in word:
                    n[word] -= count
    out = top.assign(n=[max(n[t], 0) for t in top["term"]])
    out = out[out["n"] > 0]
    return out.sort_values(["n", "term"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def term_frequencies(
    conn: Conn,
    f: Filters,
    limit: int = 150,
    exclude_countries: bool = False,
    extra_stopwords: Sequence[str] = (),
    include_numbers: bool = False,
) -> pd.DataFrame:
    """Most frequent index terms of the filtered set. Columns: term, n, articles, per10k.

    A phrase's occurrences are not counted again under its words ("united states" does
    not also add to "united" and "states").

    ``extra_stopwords``: user words removed (also phrases containing them);
    ``exclude_countries``: drop country names, demonyms and capitals (every surface form
    the detector found in the corpus), and phrases containing them. Numbers are left out
    unless ``include_numbers``. per10k = n ÷ words of the filtered set × 10,000.
    """
    excluded = _excluded_words(conn, exclude_countries, extra_stopwords)
    inside = _inside_units(conn, f, excluded[2])
    want = max(1, int(limit))
    # Fetch extra rows: folding phrases into their words can empty some unigrams.
    top = _fold_phrases(_top_terms(conn, f, want * 2, excluded, include_numbers, inside))
    top = top.head(want)
    total_words = _words_of(conn, f)
    out = top[["term", "n", "articles"]].copy()
    out["per10k"] = out["n"] * 10_000 / total_words if total_words > 0 else np.nan
    return out


def _g2(a: np.ndarray, b: np.ndarray, c: float, d: float) -> np.ndarray:
    """Dunning/Rayson log-likelihood for counts a (target), b (reference), sizes c, d."""
    total = a + b
    e1 = c * total / (c + d)
    e2 = d * total / (c + d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = np.where(a > 0, a * np.log(a / e1), 0.0)
        t2 = np.where(b > 0, b * np.log(b / e2), 0.0)
    return 2.0 * (t1 + t2)


# Process-wide caches keyed by (database file, data version, what): corpus-wide tables
# (term totals, country surface forms) and small per-filter results (per-country units).
_CACHE: dict[tuple[str, int, str], object] = {}
_SMALL_CACHE: dict[tuple[str, int, str], object] = {}
_CACHE_MAX = 4
_SMALL_CACHE_MAX = 64
_CACHE_LOCK = threading.Lock()


def _cache_key(conn: Conn, what: str) -> tuple[str, int, str] | None:
    """(database file, data version, what) — None for in-memory databases (not cached)."""
    rows = _rows(
        conn, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    if not rows or not rows[0][0]:
        return None
    try:
        version = data_version(conn)
    except duckdb.Error:
        return None
    return (str(rows[0][0]), version, what)


def _cache_put(key: tuple[str, int, str], value: object, *, small: bool = False) -> None:
    cache, limit = (_SMALL_CACHE, _SMALL_CACHE_MAX) if small else (_CACHE, _CACHE_MAX)
    with _CACHE_LOCK:  # sessions run in threads
        while len(cache) >= limit:
            cache.pop(next(iter(cache)))  # oldest first
        cache[key] = value


def _corpus_term_totals(conn: Conn, ids: Sequence[int]) -> pd.Series:
    """Corpus-wide count per term id (index term_id) for ``ids``.

    For a database file the full table is computed once per ``store.data_version`` and
    kept in a small process-wide cache (keyness against "the rest" needs it on every
    filter change, and it only changes when articles are added); in-memory databases
    query just the ids asked for.
    """
    key = _cache_key(conn, "term_totals")
    if key is None:
        sql = """
            SELECT x.term_id, sum(x.n)::BIGINT AS n FROM article_terms x
            WHERE x.term_id IN (SELECT unnest(?::BIGINT[])) GROUP BY 1
        """
        return _df(conn, sql, [list(ids)]).set_index("term_id")["n"]
    totals = _CACHE.get(key)
    if totals is None:
        sql = "SELECT term_id, sum(n)::BIGINT AS n FROM article_terms GROUP BY 1"
        totals = _df(conn, sql).set_index("term_id")["n"]
        _cache_put(key, totals)
    assert isinstance(totals, pd.Series)
    return totals.reindex(list(ids)).dropna()


def _words_of(conn: Conn, f: Filters) -> float:
    cte, params = _fa(conn, f, "a.word_count")
    sql = f"WITH {cte} SELECT coalesce(sum(word_count), 0) FROM fa"  # noqa: S608
    return float(_rows(conn, sql, params)[0][0])  # type: ignore[arg-type]


def term_keyness(
    conn: Conn,
    f: Filters,
    reference: Literal["rest", "period"] = "rest",
    ref_from: date | None = None,
    ref_to: date | None = None,
    limit: int = 150,
    exclude_countries: bool = False,
    extra_stopwords: Sequence[str] = (),
    candidates: int = 3000,
) -> pd.DataFrame:
    """Terms over-represented in the filtered set versus a reference, by G² (desc).

    reference 'rest' = every article not in the filtered set; 'period' = the same filters
    with the date range replaced by [ref_from, ref_to]. Only the ``candidates`` most
    frequent target terms are scored (rare terms cannot reach a high G² anyway).
    Columns: term, target_n, ref_n, target_per10k, ref_per10k, g2, log_ratio.
    """
    _check(reference, ("rest", "period"), "reference")
    columns = ["term", "target_n", "ref_n", "target_per10k", "ref_per10k", "g2", "log_ratio"]
    excluded = _excluded_words(conn, exclude_countries, extra_stopwords)
    inside = _inside_units(conn, f, excluded[2])
    cand = _top_terms(conn, f, max(1, int(candidates)), excluded, False, inside)
    cand = cand.rename(columns={"n": "target_n"})
    if cand.empty:
        return pd.DataFrame(columns=columns)
    target_words = _words_of(conn, f)
    ids = [int(x) for x in cand["term_id"]]
    if reference == "rest":
        corpus = _corpus_term_totals(conn, ids)
        ref_words = _words_of(conn, Filters()) - target_words
        # target_n already has the words' occurrences inside excluded units taken off; the
        # corpus total loses the corpus's (which include the target's).
        corpus_inside = _inside_units(conn, Filters(), excluded[2])
        ref_n = (
            cand["term_id"].map(corpus).fillna(0)
            - cand["target_n"]
            - cand["term"].map(lambda t: corpus_inside.get(str(t), 0))
        )
    else:
        rf = f.replace(date_from=ref_from, date_to=ref_to)
        rcte, rparams = _fa(conn, rf)
        ref_sql = f"""
            WITH {rcte}
            SELECT x.term_id, sum(x.n)::BIGINT AS n FROM article_terms x
            WHERE {_in_fa(rf, "x")}
              AND x.term_id IN (SELECT unnest(?::BIGINT[]))
            GROUP BY 1
        """  # noqa: S608
        refdf = _df(conn, ref_sql, [*rparams, ids]).set_index("term_id")["n"]
        ref_words = _words_of(conn, rf)
        ref_inside = _inside_units(conn, rf, excluded[2])
        ref_n = cand["term_id"].map(refdf).fillna(0) - cand["term"].map(
            lambda t: ref_inside.get(str(t), 0)
        )
    if ref_words <= 0 or target_words <= 0:
        return pd.DataFrame(columns=columns)
    a = cand["target_n"].to_numpy(dtype="float64")
    b = ref_n.to_numpy(dtype="float64").clip(min=0)
    out = pd.DataFrame(
        {
            "term": cand["term"],
            "target_n": cand["target_n"].astype("int64"),
            "ref_n": b.astype("int64"),
            "target_per10k": a / target_words * 10_000,
            "ref_per10k": b / ref_words * 10_000,
            "g2": _g2(a, b, target_words, ref_words),
            "log_ratio": np.log2((a / target_words) / (np.maximum(b, 0.5) / ref_words)),
        }
    )
    out = out[out["target_per10k"] > out["ref_per10k"]]
    out = out.sort_values(["g2", "term"], ascending=[False, True], kind="stable")
    return out.head(max(1, int(limit))).reset_index(drop=True)


# --------------------------------------------------------------------------- articles


def articles_page(
    conn: Conn, f: Filters, limit: int = 50, offset: int = 0, order: ArticleOrder = "newest"
) -> pd.DataFrame:
    """One page of the filtered articles.

    Columns: article_id, published_at, source, title, url, language, word_count, countries
    (comma-separated country names, most-mentioned first).
    """
    order_sql = _ORDER[_check(order, _ORDER, "order")]
    where = _where_ids(conn, f, "a")
    params: list[object] = []
    page = (
        f"SELECT {_article_cols()} FROM articles a WHERE {where} "  # noqa: S608
        f"ORDER BY {order_sql} LIMIT ? OFFSET ?"
    )
    return _with_countries(
        conn, f, page, [*params, max(1, int(limit)), max(0, int(offset))], order_sql
    )


def _export_sql(conn: Conn, f: Filters, include_text: bool) -> tuple[str, list[object]]:
    cte, params = _fa(conn, f)
    m = _mention_expr(f)
    name = _NAME.format(col="e.entity_id")
    text_col = ", a.text" if include_text else ""
    sql = f"""
        WITH {cte},
        ents AS (
            SELECT e.article_id,
                   string_agg({name}, ', ' ORDER BY {m} DESC, {name})
                       FILTER (WHERE e.kind = 'country') AS countries,
                   string_agg({name}, ', ' ORDER BY {m} DESC, {name})
                       FILTER (WHERE e.kind = 'organisation') AS organisations,
                   string_agg({name}, ', ' ORDER BY {m} DESC, {name})
                       FILTER (WHERE e.kind = 'term') AS watch_groups
            FROM article_entities e LEFT JOIN entities en ON en.entity_id = e.entity_id
            WHERE e.kind IN ('country', 'organisation', 'term') AND {m} > 0
              AND {_in_fa(f, "e")}
            GROUP BY 1
        )
        SELECT a.article_id, a.published_at, a.date_precision,
               coalesce(a.source, ?) AS source, a.title, a.url,
               a.language, a.word_count, coalesce(ents.countries, '') AS countries,
               coalesce(ents.organisations, '') AS organisations,
               coalesce(ents.watch_groups, '') AS watch_groups, a.origin_file{text_col}
        FROM articles a JOIN fa ON fa.article_id = a.article_id
        LEFT JOIN ents ON ents.article_id = a.article_id
        ORDER BY a.published_at DESC NULLS LAST, a.article_id
    """  # noqa: S608
    # A missing source is written as the dashboard shows it, so the CSV and the filter agree.
    return sql, [*params, UNKNOWN_SOURCE]


def iter_articles_all(
    conn: Conn, f: Filters, chunk_rows: int = 20_000, include_text: bool = False
) -> Iterator[pd.DataFrame]:
    """Every filtered article in chunks (for CSV export), newest first.

    Columns: article_id, published_at, date_precision, source, title, url, language,
    word_count, countries, organisations, watch_groups, origin_file (+ text when
    ``include_text``).
    Always yields at least one (possibly empty) chunk, so the columns are known.
    """
    sql, params = _export_sql(conn, f, include_text)
    reader = conn.sql(sql, params=params).to_arrow_reader(max(1, int(chunk_rows)))
    empty = True
    for batch in reader:
        if batch.num_rows == 0:
            continue
        empty = False
        yield batch.to_pandas()
    if empty:
        yield reader.schema.empty_table().to_pandas()


def with_match_snippet(chunk: pd.DataFrame, query: str, width: int = 60) -> pd.DataFrame:
    """``chunk`` (with ``title`` and ``text``) plus ``match``: the first place the text
    query's words occur, title first, as "left «match» right"; ``text`` itself is dropped.
    Pure (no SQL), so an export can run it on each chunk of ``iter_articles_all``."""
    pattern = textquery.word_regex(textquery.parse(query).node)
    rx = re.compile(pattern) if pattern else None
    width = max(10, min(int(width), 400))
    snippets: list[str] = []
    for title, text in zip(chunk["title"], chunk["text"], strict=True):
        found = ""
        for body in (str(title or ""), str(text or "")):
            hit = rx.search(body) if rx is not None else None
            if hit is not None:
                left, match, right = _snippet(body, hit.start(), hit.end(), width)
                found = f"{left}«{match}»{right}"
                break
        snippets.append(found)
    out = chunk.drop(columns=["text"]).assign(match=snippets)
    cols = [c for c in out.columns if c != "match"]
    at = cols.index("title") + 1
    return out[[*cols[:at], "match", *cols[at:]]]


def articles_all(conn: Conn, f: Filters, include_text: bool = False) -> pd.DataFrame:
    """Every filtered article in one DataFrame (see ``iter_articles_all`` for columns)."""
    sql, params = _export_sql(conn, f, include_text)
    return _df(conn, sql, params)


def article_detail(conn: Conn, article_id: int) -> dict[str, Any] | None:
    """One article with every column of ``articles`` as a dict, or None if absent
    (values of each column's own type, so ``Any``)."""
    df = _df(conn, "SELECT * FROM articles WHERE article_id = ?", [int(article_id)])
    if df.empty:
        return None
    row = df.iloc[0]
    return {str(k): (None if pd.isna(v) else v) for k, v in row.items()}


def stored_articles(conn: Conn, ids: Sequence[int]) -> pd.DataFrame:
    """The stored articles among ``ids`` (e.g. what an upload's duplicates repeat).

    Columns: article_id, published_at, source, title, origin_file, run_id.
    """
    sql = """
        SELECT article_id, published_at, source, title, origin_file, run_id FROM articles
        WHERE article_id IN (SELECT unnest(?::BIGINT[]))
    """
    return _df(conn, sql, [list(dict.fromkeys(int(i) for i in ids))])


def article_mentions(conn: Conn, article_id: int) -> pd.DataFrame:
    """Detected mentions of one article in reading order (title first).

    Columns: entity_id, name, kind, signal, field, start_pos, end_pos, sentence, surface.
    """
    sql = f"""
        SELECT m.entity_id, {_NAME.format(col="m.entity_id")} AS name, m.kind, m.signal,
               m.field, m.start_pos, m.end_pos, m.sentence, m.surface
        FROM mentions m LEFT JOIN entities en ON en.entity_id = m.entity_id
        WHERE m.article_id = ?
        ORDER BY m.field = 'text', m.start_pos, m.end_pos
    """  # noqa: S608
    return _df(conn, sql, [int(article_id)])


def _snippet(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    """(left, match, right) around text[start:end], whitespace collapsed, … where cut."""
    left = " ".join(text[max(0, start - width) : start].split())
    right = " ".join(text[end : end + width].split())
    if text[start - 1 : start].isspace() and left:
        left += " "
    if text[end : end + 1].isspace() and right:
        right = " " + right
    if start - width > 0:
        left = "…" + left
    if end + width < len(text):
        right += "…"
    return left, " ".join(text[start:end].split()), right


def _texts(conn: Conn, ids: Sequence[int]) -> dict[int, tuple[object, object, object, object, str]]:
    """article_id -> (published_at, date_precision, source, title, text) for a few ids.

    Picking the page of ids first and reading ``text`` only for them keeps a broad filter
    from reading every matching article's text before the LIMIT.
    """
    if not ids:
        return {}
    sql = """
        SELECT article_id, published_at, date_precision, source, title, text FROM articles
        WHERE article_id IN (SELECT unnest(?::BIGINT[]))
    """
    rows = _rows(conn, sql, [list(dict.fromkeys(ids))])
    return {int(r[0]): (r[1], r[2], r[3], r[4], str(r[5])) for r in rows}  # type: ignore[call-overload]


KWIC_COLUMNS = [
    "article_id",
    "published_at",
    "date_precision",
    "source",
    "title",
    "left",
    "match",
    "right",
]
_KWIC_CHUNK = 500  # articles whose text is read at once


@dataclass(frozen=True)
class _KwicPlan:
    """Which articles give KWIC lines (in order) and how their matches are found."""

    ids: list[int]
    entity_id: str | None  # detected mentions of this entity ...
    capital: str  # ... with this extra condition on the mention kind
    pattern: re.Pattern[str] | None  # ... or else the words of a text query


def _kwic_plan(
    conn: Conn,
    f: Filters,
    query: str | None,
    entity_id: str | None,
    order: str,
    max_articles: int | None,
) -> _KwicPlan:
    order_sql = _ORDER[_check(order, _ORDER, "order")]
    # Every article gives at least one line, so a line limit is also an article limit.
    limit_sql, limit_params = ("", []) if max_articles is None else (" LIMIT ?", [max_articles])
    if entity_id and not entity_id.startswith(WORD_PREFIX):
        capital = "" if f.include_capitals else "AND m.kind <> 'capital'"
        # The articles from article_entities (a row per article and entity, a fifth of
        # mentions); the mentions themselves are read for the chosen articles only.
        sql = f"""
            SELECT article_id FROM articles
            WHERE article_id IN (
                SELECT e.article_id FROM article_entities e
                WHERE e.entity_id = ? AND {_mention_expr(f, "e")} > 0
                  AND {_where_ids(conn, f, "e")}
            )
            ORDER BY {order_sql}{limit_sql}
        """  # noqa: S608
        ids = [int(r[0]) for r in _rows(conn, sql, [entity_id, *limit_params])]  # type: ignore[call-overload]
        return _KwicPlan(ids, entity_id, capital, None)
    if entity_id:  # a free typed term: its words as one phrase
        query = '"' + entity_id[len(WORD_PREFIX) :].replace('"', " ") + '"'
    q = f.text if query is None else query
    parsed = textquery.parse(q)
    pattern = textquery.word_regex(parsed.node)
    if parsed.node is None or pattern is None:
        return _KwicPlan([], None, "", None)
    where = _where_ids(conn, f, "a")
    where_params: list[object] = []
    if q != f.text:  # snippets for a query other than the filter's own: match it too
        qsql, where_params = textquery.to_sql(parsed.node, "a")
        where = f"{where} AND {qsql}"
    sql = f"SELECT a.article_id FROM articles a WHERE {where} ORDER BY {order_sql}{limit_sql}"  # noqa: S608
    ids = [int(r[0]) for r in _rows(conn, sql, [*where_params, *limit_params])]  # type: ignore[call-overload]
    return _KwicPlan(ids, None, "", re.compile(pattern))


def _kwic_lines(
    conn: Conn, plan: _KwicPlan, ids: Sequence[int], width: int, per_article: int
) -> list[tuple[object, ...]]:
    """The lines of a few of the plan's articles, in the plan's order, title first."""
    texts = _texts(conn, ids)
    spots: dict[int, list[tuple[str, int, int]]] = {}
    if plan.entity_id is not None:
        sql = f"""
            SELECT m.article_id, m.field, m.start_pos, m.end_pos FROM mentions m
            WHERE m.entity_id = ? {plan.capital}
              AND m.article_id IN (SELECT unnest(?::BIGINT[]))
            ORDER BY m.field = 'text', m.start_pos
        """  # noqa: S608
        for aid, field, start, end in _rows(conn, sql, [plan.entity_id, list(ids)]):
            spots.setdefault(int(aid), []).append((str(field), int(start), int(end)))  # type: ignore[call-overload]
    rows: list[tuple[object, ...]] = []
    for aid in ids:
        pub, precision, src, title, text = texts[aid]
        bodies = {"title": str(title or ""), "text": str(text)}
        if plan.pattern is not None:
            hits = (
                (field, mt.start(), mt.end())
                for field, body in bodies.items()
                for mt in plan.pattern.finditer(body)
            )
            found = list(islice(hits, per_article))
        else:
            found = spots.get(aid, [])
        for field, start, end in found[:per_article]:
            snippet = _snippet(bodies[field], start, end, width)
            rows.append((aid, pub, precision, src, title, *snippet))
    return rows


def kwic_snippets(
    conn: Conn,
    f: Filters,
    query: str | None = None,
    entity_id: str | None = None,
    width: int = 60,
    limit: int = 200,
    per_article: int = 3,
    order: ArticleOrder = "newest",
) -> pd.DataFrame:
    """Keyword-in-context lines for the filtered articles, in the articles' ``order``.

    Matches come from ``entity_id`` (its detected mentions; capital-city mentions only
    when ``include_capitals``) or else from ``query`` (its words/phrases, defaulting to the
    filters' text query). At most ``per_article`` lines per article, title first. Columns:
    article_id, published_at, date_precision, source, title, left, match, right (raw text:
    escape before rendering).
    """
    width = max(10, min(int(width), 400))
    limit = max(1, int(limit))
    plan = _kwic_plan(conn, f, query, entity_id, order, limit)
    rows = _kwic_lines(conn, plan, plan.ids, width, max(1, int(per_article)))
    return pd.DataFrame(rows[:limit], columns=KWIC_COLUMNS)


def iter_kwic_all(
    conn: Conn,
    f: Filters,
    query: str | None = None,
    entity_id: str | None = None,
    width: int = 60,
    per_article: int = 3,
    order: ArticleOrder = "newest",
    chunk_articles: int = _KWIC_CHUNK,
) -> Iterator[pd.DataFrame]:
    """Every KWIC line of the filtered articles (``kwic_snippets`` without its line
    limit), in chunks for CSV export; a missing source reads ``UNKNOWN_SOURCE``.

    The texts are read a chunk of articles at a time. Always yields at least one
    (possibly empty) chunk, so the columns are known.
    """
    width = max(10, min(int(width), 400))
    plan = _kwic_plan(conn, f, query, entity_id, order, None)
    step = max(1, int(chunk_articles))
    yielded = False
    for i in range(0, len(plan.ids), step):
        rows = _kwic_lines(conn, plan, plan.ids[i : i + step], width, max(1, int(per_article)))
        chunk = pd.DataFrame(rows, columns=KWIC_COLUMNS)
        chunk["source"] = chunk["source"].fillna(UNKNOWN_SOURCE)
        yielded = True
        yield chunk
    if not yielded:
        yield pd.DataFrame(columns=KWIC_COLUMNS)
