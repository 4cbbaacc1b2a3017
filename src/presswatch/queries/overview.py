"""The Overview page: corpus figures, articles per period, top entities, sources."""

from __future__ import annotations

import pandas as pd

from presswatch.filters import UNKNOWN_SOURCE, Filters
from presswatch.queries._sql import (
    _KINDS,
    _NAME,
    _TRUNC,
    Conn,
    EntityKind,
    Granularity,
    _check,
    _df,
    _fa,
    _fa_table,
    _fits_bins,
    _grid_sql,
    _in_fa,
    _rows,
    _where_ids,
)

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
    return _df(conn, sql)


def count_articles(conn: Conn, f: Filters) -> int:
    """Number of articles in the filtered set."""
    table = _fa_table(conn, f)
    return int(_rows(conn, f"SELECT count(*) FROM {table}")[0][0])  # type: ignore[call-overload]  # noqa: S608


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
    sql = f"""
        WITH p AS (
            SELECT date_trunc('{g}', a.published_at) AS period, count(*) AS articles
            FROM articles a
            WHERE a.published_at IS NOT NULL AND {_fits_bins(g)} AND {where} GROUP BY 1
        ), {_grid_sql(g)}
        SELECT grid.period, coalesce(p.articles, 0) AS articles
        FROM grid LEFT JOIN p USING (period) ORDER BY grid.period
    """  # noqa: S608
    return _df(conn, sql)


def top_entities(
    conn: Conn, f: Filters, kind: EntityKind = "country", limit: int = 15
) -> pd.DataFrame:
    """Most-mentioned entities of a kind. Columns: entity_id, name, articles, mentions.

    Ordered by articles (desc), then mentions, then name.
    """
    _check(kind, _KINDS, "entity kind")
    cte = _fa(conn, f)
    m = f.mentions_sql()
    sql = f"""
        WITH {cte},
        agg AS (
            SELECT e.entity_id, count(*) AS articles, sum({m})::BIGINT AS mentions
            FROM article_entities e
            WHERE e.kind = ? AND {f.mentioned_sql()} AND {_in_fa(f, "e")}
            GROUP BY 1
        )
        SELECT agg.entity_id, {_NAME.format(col="agg.entity_id")} AS name,
               agg.articles, agg.mentions
        FROM agg LEFT JOIN entities en ON en.entity_id = agg.entity_id
        ORDER BY agg.articles DESC, agg.mentions DESC, name
        LIMIT ?
    """  # noqa: S608
    return _df(conn, sql, [kind, max(1, int(limit))])


def articles_by_source(conn: Conn, f: Filters, limit: int = 50) -> pd.DataFrame:
    """Filtered articles per source, most first. Columns: source, articles, first, last,
    first_precision, last_precision.

    Articles without a source are grouped under ``UNKNOWN_SOURCE``; first/last ignore
    undated ones.
    """
    cte = _fa(conn, f)
    sql = f"""
        WITH {cte}
        SELECT coalesce(a.source, ?) AS source, count(*) AS articles,
               min(a.published_at) AS first, max(a.published_at) AS last,
               {_FIRST_PRECISION} FILTER (WHERE a.published_at IS NOT NULL) AS first_precision,
               {_LAST_PRECISION} FILTER (WHERE a.published_at IS NOT NULL) AS last_precision
        FROM articles a WHERE {_in_fa(f, "a")}
        GROUP BY 1 ORDER BY articles DESC, source LIMIT ?
    """  # noqa: S608
    return _df(conn, sql, [UNKNOWN_SOURCE, max(1, int(limit))])
