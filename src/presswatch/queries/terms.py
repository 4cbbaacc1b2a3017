"""Terms: frequencies for the word cloud and keyness (distinctive terms) against a reference."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from presswatch.extract.terms import term_id, tokenize
from presswatch.filters import Filters
from presswatch.queries._sql import (
    Conn,
    _check,
    _df,
    _fa,
    _in_fa,
    _rows,
    _shared,
)
from presswatch.queries.reference import _country_surfaces

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
    cte = _fa(conn, f)
    by_id = {term_id(" ".join(u)): u for u in units}
    sql = f"""
        WITH {cte}
        SELECT x.term_id, sum(x.n)::BIGINT AS n FROM article_terms x
        WHERE {_in_fa(f, "x")} AND x.term_id IN (SELECT unnest(?::BIGINT[]))
        GROUP BY 1
    """  # noqa: S608
    df = _df(conn, sql, [list(by_id)])
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
    cte = _fa(conn, f)
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
        df = _df(conn, sql, [fetch])
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


def _corpus_term_totals(conn: Conn, ids: Sequence[int]) -> pd.Series:
    """Corpus-wide count per term id (index term_id) for ``ids``.

    The full table is a shared part (``_shared``): keyness against "the rest" needs it on
    every filter change, and it only changes when articles are added.
    """
    sql = "SELECT term_id, sum(n)::BIGINT AS n FROM article_terms GROUP BY 1"
    totals = _shared(
        conn, "corpus_term_totals", "", lambda: _df(conn, sql).set_index("term_id")["n"]
    )
    return totals.reindex(list(ids)).dropna()


def _words_of(conn: Conn, f: Filters) -> float:
    cte = _fa(conn, f, "a.word_count")
    sql = f"WITH {cte} SELECT coalesce(sum(word_count), 0) FROM fa"  # noqa: S608
    return float(_rows(conn, sql)[0][0])  # type: ignore[arg-type]


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
        rcte = _fa(conn, rf)
        ref_sql = f"""
            WITH {rcte}
            SELECT x.term_id, sum(x.n)::BIGINT AS n FROM article_terms x
            WHERE {_in_fa(rf, "x")}
              AND x.term_id IN (SELECT unnest(?::BIGINT[]))
            GROUP BY 1
        """  # noqa: S608
        refdf = _df(conn, ref_sql, [ids]).set_index("term_id")["n"]
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
