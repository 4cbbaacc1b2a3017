"""Shared SQL of the query layer: allow-lists, the filtered-articles table, fragments."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar, cast

import duckdb
import pandas as pd

from presswatch.filters import Filters
from presswatch.precision import PRECISIONS_FOR
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
T = TypeVar("T")

# SQL text in this package is assembled only from constants, the allow-listed names in the
# dicts of _sql.py, placeholders ("?, ?") and fragments returned by Filters.to_sql/textquery
# (which follow the same rule); every value is bound. Hence the S608 suppressions.
_TRUNC: dict[str, str] = {g: g for g in GRANULARITIES}
_STEP: dict[str, str] = {
    "day": "1 day",
    "week": "7 days",
    "month": "1 month",
    "quarter": "3 months",
    "year": "1 year",
}
# Article orders; ``{a}`` is where a table qualifier goes (see ``_order_sql``).
_ORDER: dict[str, str] = {
    "newest": "{a}published_at DESC NULLS LAST, {a}article_id",
    "oldest": "{a}published_at ASC NULLS LAST, {a}article_id",
    "source": "{a}source ASC NULLS LAST, {a}published_at DESC NULLS LAST, {a}article_id",
    "title": "lower({a}title) ASC NULLS LAST, {a}article_id",
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


def _order_sql(order: str, alias: str = "") -> str:
    """ORDER BY terms of an article order, over ``<alias>``'s columns when given."""
    if alias and not alias.isidentifier():
        raise ValueError(f"bad SQL alias {alias!r}")
    return _ORDER[_check(order, _ORDER, "order")].format(a=f"{alias}." if alias else "")


def _df(conn: Conn, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """Run a query and fetch every row as a DataFrame (fully consumed, see store.fetch_one)."""
    return conn.execute(sql, list(params)).df()


def _rows(conn: Conn, sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
    return conn.execute(sql, list(params)).fetchall()


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


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


def _fa(conn: Conn, f: Filters, extra_cols: str = "") -> str:
    """CTE ``fa``: the filtered articles, columns article_id (+ ``extra_cols`` over alias a).

    ``extra_cols`` may use a.published_at, a.date_precision and a.word_count. It binds no
    parameter: the filter's own are bound once, where ``_fa_table`` makes its table.
    """
    cols = "a.article_id" + (", " + extra_cols if extra_cols else "")
    return f"fa AS (SELECT {cols} FROM {_fa_table(conn, f)} a)"  # noqa: S608


def _where_ids(conn: Conn, f: Filters, alias: str = "a") -> str:
    """Condition on ``<alias>.article_id`` selecting the filtered articles."""
    if f.is_default:
        return "TRUE"
    return f"{alias}.article_id IN (SELECT article_id FROM {_fa_table(conn, f)})"  # noqa: S608


# --------------------------------------------------------------------------- reference


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
    m = f.mentions_sql()
    sql = f"""
        WITH page AS ({page_sql}),
        ctry AS (
            SELECT e.article_id,
                   string_agg({_NAME.format(col="e.entity_id")}, ', '
                              ORDER BY {m} DESC, {_NAME.format(col="e.entity_id")}) AS countries
            FROM article_entities e LEFT JOIN entities en ON en.entity_id = e.entity_id
            WHERE e.kind = 'country' AND {f.mentioned_sql()}
              AND e.article_id IN (SELECT article_id FROM page)
            GROUP BY 1
        )
        SELECT page.*, coalesce(ctry.countries, '') AS countries
        FROM page LEFT JOIN ctry USING (article_id)
        ORDER BY {order}
    """  # noqa: S608
    return _df(conn, sql, params)


# Parts several views compute from the same data (per-country unit counts for the heatmap,
# the network and the partner list of one filter state; corpus-wide term totals; the country
# surface forms) go through the caller's cache, not one of this package's own: the dashboard
# installs its bounded st.cache_data (ui/data.py), keyed there by database file and data
# version, the one cache of query results. Without one (tests, the CLI) they are computed.
SharedCache = Callable[[Conn, str, str, Callable[[], Any]], Any]


def _no_cache(conn: Conn, name: str, key: str, compute: Callable[[], Any]) -> Any:
    return compute()


_cache_hook: list[SharedCache] = [_no_cache]


def use_cache(cache: SharedCache | None) -> None:
    """Route the shared parts through ``cache(conn, name, key, compute)`` (None: no cache).

    ``key`` says what the part depends on besides the data ("" for the whole corpus), so
    the cache must key on the database and its ``store.data_version`` as well.
    """
    _cache_hook[0] = cache or _no_cache


def _shared(conn: Conn, name: str, key: str, compute: Callable[[], T]) -> T:
    """``compute()``, or the installed cache's copy of it."""
    return cast("T", _cache_hook[0](conn, name, key, compute))
