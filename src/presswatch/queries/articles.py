"""Articles: the filtered list, its complete export, one article, keyword-in-context lines."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

import pandas as pd

from presswatch import textquery
from presswatch.filters import UNKNOWN_SOURCE, Filters
from presswatch.queries._sql import (
    _NAME,
    WORD_PREFIX,
    ArticleOrder,
    Conn,
    _df,
    _order_sql,
    _rows,
    _where_ids,
)


def articles_page(
    conn: Conn, f: Filters, limit: int = 50, offset: int = 0, order: ArticleOrder = "newest"
) -> pd.DataFrame:
    """One page of the filtered articles: the rows of the CSV export (``iter_articles_all``)
    from ``offset``, at most ``limit`` of them, in ``order``.

    Columns: article_id, published_at, date_precision, source (``UNKNOWN_SOURCE`` when
    missing), title, url, language, word_count, countries, organisations, watch_groups
    (comma-separated names, most-mentioned first), origin_file.
    """
    sql, params = _articles_sql(conn, f, order, limit=limit, offset=offset)
    return _df(conn, sql, params)


def _articles_sql(
    conn: Conn,
    f: Filters,
    order: str = "newest",
    *,
    include_text: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[str, list[object]]:
    """The one query of the article list: a page of it (``limit``) or all of it (the export)."""
    order_sql = _order_sql(order)
    m = f.mentions_sql()
    name = _NAME.format(col="e.entity_id")
    text_col = ", a.text" if include_text else ""
    text_out = ", page.text" if include_text else ""
    params: list[object] = []
    if limit is None:
        # Every filtered article: no sort before the one at the end, and the entities of
        # the whole filtered set in one pass.
        page_tail = ""
        listed = _where_ids(conn, f, "e")
    else:
        # A page: its few ids first, then the entities of those ids only.
        page_tail = f" ORDER BY {order_sql} LIMIT ? OFFSET ?"
        params += [max(1, int(limit)), max(0, int(offset))]
        listed = "e.article_id IN (SELECT article_id FROM page)"
    sql = f"""
        WITH page AS (
            SELECT a.article_id, a.published_at, a.date_precision, a.source, a.title, a.url,
                   a.language, a.word_count, a.origin_file{text_col}
            FROM articles a WHERE {_where_ids(conn, f, "a")}{page_tail}
        ),
        ents AS (
            SELECT e.article_id,
                   string_agg({name}, ', ' ORDER BY {m} DESC, {name})
                       FILTER (WHERE e.kind = 'country') AS countries,
                   string_agg({name}, ', ' ORDER BY {m} DESC, {name})
                       FILTER (WHERE e.kind = 'organisation') AS organisations,
                   string_agg({name}, ', ' ORDER BY {m} DESC, {name})
                       FILTER (WHERE e.kind = 'term') AS watch_groups
            FROM article_entities e LEFT JOIN entities en ON en.entity_id = e.entity_id
            WHERE e.kind IN ('country', 'organisation', 'term') AND {f.mentioned_sql()}
              AND {listed}
            GROUP BY 1
        )
        SELECT page.article_id, page.published_at, page.date_precision,
               coalesce(page.source, ?) AS source, page.title, page.url,
               page.language, page.word_count, coalesce(ents.countries, '') AS countries,
               coalesce(ents.organisations, '') AS organisations,
               coalesce(ents.watch_groups, '') AS watch_groups,
               page.origin_file{text_out}
        FROM page LEFT JOIN ents ON ents.article_id = page.article_id
        ORDER BY {_order_sql(order, "page")}
    """  # noqa: S608
    # A missing source reads as the dashboard shows it, so the CSV and the filter agree.
    return sql, [*params, UNKNOWN_SOURCE]


def iter_articles_all(
    conn: Conn, f: Filters, chunk_rows: int = 20_000, include_text: bool = False
) -> Iterator[pd.DataFrame]:
    """Every filtered article in chunks (for CSV export), newest first: the rows of
    ``articles_page`` without its limit, the same query (+ column text when ``include_text``).

    Always yields at least one (possibly empty) chunk, so the columns are known.
    """
    sql, params = _articles_sql(conn, f, include_text=include_text)
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
    counted: str  # ... the rows of ``mentions m`` that count (the capital-city rule)
    pattern: re.Pattern[str] | None  # ... or else the words of a text query


def _kwic_plan(
    conn: Conn,
    f: Filters,
    query: str | None,
    entity_id: str | None,
    order: str,
    max_articles: int | None,
) -> _KwicPlan:
    order_sql = _order_sql(order)
    # Every article gives at least one line, so a line limit is also an article limit.
    limit_sql, limit_params = ("", []) if max_articles is None else (" LIMIT ?", [max_articles])
    if entity_id and not entity_id.startswith(WORD_PREFIX):
        # The articles from article_entities (a row per article and entity, a fifth of
        # mentions); the mentions themselves are read for the chosen articles only.
        sql = f"""
            SELECT article_id FROM articles
            WHERE article_id IN (
                SELECT e.article_id FROM article_entities e
                WHERE e.entity_id = ? AND {f.mentioned_sql("e")}
                  AND {_where_ids(conn, f, "e")}
            )
            ORDER BY {order_sql}{limit_sql}
        """  # noqa: S608
        ids = [int(r[0]) for r in _rows(conn, sql, [entity_id, *limit_params])]  # type: ignore[call-overload]
        return _KwicPlan(ids, entity_id, f.mention_rows_sql("m"), None)
    if entity_id:  # a free typed term: its words as one phrase
        query = '"' + entity_id[len(WORD_PREFIX) :].replace('"', " ") + '"'
    q = f.text if query is None else query
    parsed = textquery.parse(q)
    pattern = textquery.word_regex(parsed.node)
    if parsed.node is None or pattern is None:
        return _KwicPlan([], None, "TRUE", None)
    where = _where_ids(conn, f, "a")
    where_params: list[object] = []
    if q != f.text:  # snippets for a query other than the filter's own: match it too
        qsql, where_params = textquery.to_sql(parsed.node, "a")
        where = f"{where} AND {qsql}"
    sql = f"SELECT a.article_id FROM articles a WHERE {where} ORDER BY {order_sql}{limit_sql}"  # noqa: S608
    ids = [int(r[0]) for r in _rows(conn, sql, [*where_params, *limit_params])]  # type: ignore[call-overload]
    return _KwicPlan(ids, None, "TRUE", re.compile(pattern))


def _kwic_lines(
    conn: Conn, plan: _KwicPlan, ids: Sequence[int], width: int, per_article: int
) -> list[tuple[object, ...]]:
    """The lines of a few of the plan's articles, in the plan's order, title first."""
    texts = _texts(conn, ids)
    spots: dict[int, list[tuple[str, int, int]]] = {}
    if plan.entity_id is not None:
        sql = f"""
            SELECT m.article_id, m.field, m.start_pos, m.end_pos FROM mentions m
            WHERE m.entity_id = ? AND {plan.counted}
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
