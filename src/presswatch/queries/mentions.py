"""Mentions over time: per-period counts of entities and the articles behind a point."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pandas as pd

from presswatch import textquery
from presswatch.extract.terms import listed_phrases, term_id, tokenize
from presswatch.filters import Filters
from presswatch.precision import in_range_sql
from presswatch.queries._sql import (
    _STEP,
    _TEXT,
    _TRUNC,
    MEASURES,
    WORD_PREFIX,
    Conn,
    Granularity,
    Measure,
    _article_cols,
    _check,
    _df,
    _fa,
    _fits_bins,
    _grid_sql,
    _marks,
    _period_expr,
    _where_ids,
    _with_countries,
)
from presswatch.queries.reference import _names, entity_label


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
    m = f.mentions_sql()
    return (
        f"SELECT e.article_id, {m} AS mentions FROM article_entities e "  # noqa: S608
        f"WHERE e.entity_id = ? AND {f.mentioned_sql()}",
        [entity_id],
    )


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
    cte = _fa(conn, f, f"{_period_expr(g)} AS period, a.word_count")
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
    totals = _df(conn, totals_sql)
    columns = ["period", "entity_id", "label", "mentions", "articles", "total_articles",
               "total_words", "value"]  # fmt: skip
    if totals.empty or not ids:
        return pd.DataFrame(columns=columns)

    parts: list[str] = []
    hit_params: list[object] = []
    stored = [e for e in ids if not e.startswith(WORD_PREFIX)]
    if stored:  # one scan of article_entities for every stored entity
        m = f.mentions_sql()
        parts.append(
            f"SELECT e.entity_id, e.article_id, {m} AS mentions FROM article_entities e "  # noqa: S608
            f"WHERE e.entity_id IN ({_marks(stored)}) AND {f.mentioned_sql()}"
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
        counts = _df(conn, sql, hit_params)

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
