"""Co-occurrence: country pairs per article or sentence, with association measures."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from presswatch.filters import Filters
from presswatch.queries._sql import (
    _NAME,
    CO_MEASURES,
    SCOPES,
    CoMeasure,
    Conn,
    Scope,
    _article_cols,
    _check,
    _df,
    _fa,
    _in_fa,
    _marks,
    _rows,
    _shared,
    _with_countries,
)
from presswatch.queries.reference import _names, entity_label


def _pair_counts_sql(f: Filters, scope: str, where_pair: str) -> str:
    """CTE ``pc`` (a, b, n_ab) from ``country_pairs``, restricted by ``where_pair`` (on p.a/p.b).

    Article scope counts articles; sentence scope sums the sentences in which both occur
    (``n``, or ``n_named`` when capital-city mentions are not counted).
    """
    _check(scope, SCOPES, "scope")
    col = f.counted_column("n")
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
    ``article_entities.n_sentences*`` and ``articles.country_sentences*``). A shared part
    (``_shared``), keyed by scope and filters: the heatmap, the network and the partner
    list of one filter state compute it once in the dashboard.
    """
    _check(scope, SCOPES, "scope")
    units, n, n_country = _shared(
        conn, "entity_units", f"{scope}:{f!r}", lambda: _count_units(conn, f, scope)
    )
    return units.copy(), n, n_country


def _count_units(conn: Conn, f: Filters, scope: str) -> tuple[pd.DataFrame, int, int]:
    cte = _fa(conn, f)
    if scope == "sentence":
        ns, cs = f.counted_column("n_sentences"), f.counted_column("country_sentences")
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
        counted = f.mentioned_sql()
        units_sql = f"""
            ent AS (
                SELECT e.entity_id, count(*) AS units FROM article_entities e
                WHERE e.kind = 'country' AND {counted} AND {_in_fa(f, "e")} GROUP BY 1
            ),
            nu AS (
                SELECT (SELECT count(*) FROM fa) AS n_units,
                       (SELECT count(DISTINCT e.article_id) FROM article_entities e
                        WHERE e.kind = 'country' AND {counted} AND {_in_fa(f, "e")}) AS n_country
            )
        """  # noqa: S608
    sql = f"""
        WITH {cte}, {units_sql}
        SELECT ent.entity_id, {_NAME.format(col="ent.entity_id")} AS name, ent.units,
               (SELECT n_units FROM nu) AS n_units, (SELECT n_country FROM nu) AS n_country
        FROM ent LEFT JOIN entities en ON en.entity_id = ent.entity_id
        ORDER BY ent.units DESC, ent.entity_id
    """  # noqa: S608
    units = _df(conn, sql)
    if units.empty:  # no country in the filtered set; still report the number of units
        n_sql = f"WITH {cte}, {units_sql} SELECT n_units, n_country FROM nu"  # noqa: S608
        row = _rows(conn, n_sql)[0]
        n, n_country = int(row[0]), int(row[1])  # type: ignore[call-overload]
    else:
        n, n_country = int(units["n_units"].iloc[0]), int(units["n_country"].iloc[0])
    return units.drop(columns=["n_units", "n_country"]), n, n_country


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
    cte = _fa(conn, f)
    where_pair = f"p.a IN ({_marks(ids)}) AND p.b IN ({_marks(ids)})"
    sql = f"""
        WITH {cte}, {_pair_counts_sql(f, scope, where_pair)}
        SELECT a, b, n_ab FROM pc
    """  # noqa: S608
    counts = _df(conn, sql, [scope, *ids, *ids])
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
    cte = _fa(conn, f)
    sql = f"""
        WITH {cte}, {_pair_counts_sql(f, scope, "p.a = ? OR p.b = ?")}
        SELECT CASE WHEN a = ? THEN b ELSE a END AS entity_id, n_ab FROM pc WHERE n_ab >= ?
    """  # noqa: S608
    pairs = _df(conn, sql, [scope, focus, focus, focus, max(1, int(min_count))])
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
    cte = _fa(conn, f)
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
        [scope, a, b, max(1, int(limit))],
        "published_at DESC NULLS LAST, article_id",
    )


def _pair_counts_sql_by_article(f: Filters, scope: str) -> str:
    """CTE ``pa`` (article_id, n) for the pair bound as parameters (scope, a, b with a < b)."""
    col = f.counted_column("n")
    return f"""
        pa AS (
            SELECT p.article_id, p.{col} AS n FROM country_pairs p
            WHERE p.scope = ? AND p.{col} > 0 AND p.a = ? AND p.b = ?
              AND {_in_fa(f, "p")}
        )
    """  # noqa: S608


# --------------------------------------------------------------------------- terms
