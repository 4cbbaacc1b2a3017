"""Query layer against a small on-disk store built with the real ingestion pipeline.

The seven articles below were written for this test. Every expected number is worked out
by hand from them (the comments show the arithmetic); ``test_fixture_facts`` pins the
per-article detections those numbers rest on, so a detector change shows up there first.
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from datetime import date, datetime
from pathlib import Path
from typing import Any, cast

import pandas as pd
import pytest

from presswatch import queries as Q
from presswatch.filters import Filters
from presswatch.ingest.pipeline import ingest_articles
from presswatch.models import Article, ParsedDate
from presswatch.store import open_store


def _row(frame: pd.DataFrame, key: Any) -> dict[Hashable, Any]:
    """One row of a frame by its index label (pandas-stubs type ``.loc[...]`` as a cell)."""
    return cast("pd.Series[Any]", frame.loc[key]).to_dict()


def _art(name: str, title: str, text: str, when: datetime | None, source: str) -> Article:
    return Article(
        text=text,
        title=title,
        date=ParsedDate(when, "day") if when else None,
        source=source,
        origin_file=name,
        language="en",
    )


ARTICLES = [
    # a1: 9 words; RU x2 (title+text), CN x2, IR x1; sentences: s0 RU CN, s1 RU CN, s2 IR
    _art("a1", "Russia and China", "Russia and China held talks. Iran was not invited.",
         datetime(2021, 1, 10), "MFA"),
    # a2: 13 words; IR x2, RU x1; s0 IR, s1 IR RU; "deal" x2, "energy" x1, "oil" x1
    _art("a2", "Iran statement", "Iran and Russia signed an energy deal. The deal covers oil and gas.",
         datetime(2021, 1, 20), "MFA"),
    # a3: 7 words; CN x1 (s2); "oil" x2
    _art("a3", "Markets", "Oil prices rose. China bought more oil.", datetime(2021, 2, 15), "Wire"),
    # a4: 13 words; RU named x1 (s1) + capital x2 (title s0, text s1); "deal" x1, "energy" x1
    _art("a4", "Moscow visit",
         "The minister flew to Moscow for talks with Russia about the energy deal.",
         datetime(2021, 2, 20), "Wire"),
    # a5: 10 words; FR x2 (s1, s2), DE x1 (s1); "energy" x1, "summit" x1, "france" x2
    _art("a5", "Weekly briefing", "France and Germany discussed energy. France will host the summit.",
         datetime(2021, 3, 5), "MFA"),
    # a6: undated, 7 words; CN, IR in s1; the watch-list phrase "joint exercise"
    _art("a6", "Archive note", "China and Iran held a joint exercise.", None, "Wire"),
    # a7: 6 words; RU only through its capital (s1); "summit" x1
    _art("a7", "Summit", "Officials in Moscow welcomed the summit.", datetime(2021, 3, 20), "MFA"),
]  # fmt: skip

WORDS = {"a1": 9, "a2": 13, "a3": 7, "a4": 13, "a5": 10, "a6": 7, "a7": 6}


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory):
    path: Path = tmp_path_factory.mktemp("q") / "t.duckdb"
    c = open_store(path)
    ingest_articles(c, ARTICLES)
    yield c
    c.close()


@pytest.fixture(scope="module")
def ids(conn) -> dict[str, int]:
    rows = conn.execute("SELECT origin_file, article_id FROM articles").fetchall()
    return {name: aid for name, aid in rows}


def _names(conn, df: pd.DataFrame, col: str = "article_id") -> list[str]:
    rows = conn.execute("SELECT article_id, origin_file FROM articles").fetchall()
    by_id = dict(rows)
    return sorted(by_id[int(x)] for x in df[col])


def test_fixture_facts(conn) -> None:
    facts = conn.execute(
        """SELECT a.origin_file, e.entity_id, e.n_named, e.n_capital, a.word_count
           FROM article_entities e JOIN articles a USING (article_id)
           WHERE e.kind = 'country' ORDER BY 1, 2"""
    ).fetchall()
    assert facts == [
        ("a1", "CN", 2, 0, 9), ("a1", "IR", 1, 0, 9), ("a1", "RU", 2, 0, 9),
        ("a2", "IR", 2, 0, 13), ("a2", "RU", 1, 0, 13),
        ("a3", "CN", 1, 0, 7),
        ("a4", "RU", 1, 2, 13),
        ("a5", "DE", 1, 0, 10), ("a5", "FR", 2, 0, 10),
        ("a6", "CN", 1, 0, 7), ("a6", "IR", 1, 0, 7),
        ("a7", "RU", 0, 1, 6),
    ]  # fmt: skip
    units = conn.execute(
        """SELECT count(*) FROM (SELECT DISTINCT article_id, sentence FROM mentions
           WHERE kind IN ('country', 'capital'))"""
    ).fetchall()[0][0]
    assert units == 12  # a1: 3, a2: 2, a3: 1, a4: 2, a5: 2, a6: 1, a7: 1


def test_overview_and_counts(conn) -> None:
    ov = Q.corpus_overview(conn, Filters()).iloc[0]
    assert ov["articles"] == 7
    assert ov["words"] == sum(WORDS.values()) == 65
    assert ov["undated"] == 1
    assert ov["sources"] == 2
    assert ov["first"] == pd.Timestamp("2021-01-10")
    assert Q.count_articles(conn, Filters(sources=("MFA",))) == 4
    assert Q.count_articles(conn, Filters(date_from=date(2021, 2, 1))) == 4  # a3 a4 a5 a7
    assert Q.count_articles(conn, Filters(date_to=date(2021, 1, 20))) == 2  # inclusive end


def test_articles_per_period_fills_gaps(conn) -> None:
    df = Q.articles_per_period(conn, Filters(), "month")
    assert list(df["articles"]) == [2, 2, 2]
    df = Q.articles_per_period(conn, Filters(sources=("Wire",)), "week")
    # a3 2021-02-15 (Mon) and a4 2021-02-20 (Sat) fall in the same ISO week
    assert list(df["period"]) == [pd.Timestamp("2021-02-15")]
    assert list(df["articles"]) == [2]
    q = Q.articles_per_period(conn, Filters(sources=("MFA",)), "quarter")
    assert list(q["articles"]) == [4]


def test_country_filters(conn) -> None:
    assert Q.count_articles(conn, Filters(countries=("RU",))) == 4  # a1 a2 a4 a7
    assert Q.count_articles(conn, Filters(countries=("RU",), include_capitals=False)) == 3
    assert Q.count_articles(conn, Filters(countries=("RU", "CN"))) == 6  # any: all but a5
    assert Q.count_articles(conn, Filters(countries=("RU", "CN"), country_match="all")) == 1
    assert Q.count_articles(conn, Filters(groups=("term:Joint exercises",))) == 1


def test_top_entities(conn) -> None:
    df = Q.top_entities(conn, Filters(), "country", 10)
    # RU: 4 articles, 2+1+3+1 = 7 mentions; CN, IR: 3 articles, 4 mentions (name breaks the tie)
    assert list(df["entity_id"]) == ["RU", "CN", "IR", "FR", "DE"]
    assert list(df["articles"]) == [4, 3, 3, 1, 1]
    assert list(df["mentions"]) == [7, 4, 4, 2, 1]
    assert list(df["name"][:3]) == ["Russia", "China", "Iran"]
    no_cap = Q.top_entities(conn, Filters(include_capitals=False), "country", 3)
    assert list(no_cap["entity_id"]) == ["CN", "IR", "RU"]  # all 3 articles, 4 mentions
    assert list(no_cap["mentions"]) == [4, 4, 4]


def test_mentions_over_time_share_and_per10k(conn) -> None:
    f = Filters()
    share = Q.mentions_over_time(conn, f, ["RU"], "month", "share")
    # Jan: a1 a2 both mention RU -> 2/2; Feb: a4 of a3 a4 -> 1/2; Mar: a7 of a5 a7 -> 1/2
    assert list(share["value"]) == [1.0, 0.5, 0.5]
    assert list(share["total_articles"]) == [2, 2, 2]
    per10k = Q.mentions_over_time(conn, f, ["RU"], "month", "per10k_words")
    # Jan: 3 mentions / (9 + 13) words; Feb: 3 / (7 + 13); Mar: 1 / (10 + 6)
    assert per10k["value"].tolist() == pytest.approx([3 / 22 * 1e4, 3 / 20 * 1e4, 1 / 16 * 1e4])
    no_cap = Q.mentions_over_time(
        conn, f.replace(include_capitals=False), ["RU"], "month", "mentions"
    )
    assert list(no_cap["value"]) == [3.0, 1.0, 0.0]  # a7's "Moscow" no longer counts
    rolled = Q.mentions_over_time(conn, f, ["RU"], "month", "share", rolling=2)
    assert rolled["value"].tolist() == pytest.approx([1.0, 0.75, 0.5])


def test_mentions_over_time_typed_terms(conn) -> None:
    df = Q.mentions_over_time(
        conn, Filters(), ["word:energy", "word:energy deal", "CN"], "month", "articles"
    )
    by = {e: list(part["value"]) for e, part in df.groupby("entity_id", sort=False)}
    assert by["word:energy"] == [1.0, 1.0, 1.0]  # a2, a4, a5
    assert by["word:energy deal"] == [1.0, 1.0, 0.0]  # phrase verified in a2 and a4
    assert by["CN"] == [1.0, 1.0, 0.0]  # a6 is undated: not in any period
    assert list(df["entity_id"].drop_duplicates()) == ["word:energy", "word:energy deal", "CN"]
    assert df.loc[df["entity_id"] == "word:energy deal", "label"].iloc[0] == "“energy deal”"
    mentions = Q.mentions_over_time(conn, Filters(), ["word:deal"], "year", "mentions")
    assert list(mentions["value"]) == [3.0]  # a2 x2 + a4 x1


def test_articles_for_period(conn) -> None:
    start, end = Q.period_bounds(datetime(2021, 2, 1), "month")
    assert end == datetime(2021, 3, 1)
    df = Q.articles_for_period(conn, Filters(), "RU", start, end)
    assert _names(conn, df) == ["a4"]
    assert int(df["mentions"].iloc[0]) == 3
    assert df["countries"].iloc[0] == "Russia"
    everything = Q.articles_for_period(conn, Filters(), None, start, end)
    assert _names(conn, everything) == ["a3", "a4"]


def test_cooccurrence_article_scope(conn) -> None:
    df = Q.cooccurrence(conn, Filters(), "article", top_n=5, measure="npmi")
    rows = df.set_index(["a", "b"])
    n = 7  # every filtered article is a unit
    ir_ru = _row(rows, ("IR", "RU"))
    assert (ir_ru["n_ab"], ir_ru["n_a"], ir_ru["n_b"], ir_ru["n_units"]) == (2, 3, 4, n)
    assert ir_ru["jaccard"] == pytest.approx(2 / (3 + 4 - 2))
    pmi = math.log2((2 / n) / ((3 / n) * (4 / n)))
    assert ir_ru["pmi"] == pytest.approx(pmi)
    assert ir_ru["npmi"] == pytest.approx(pmi / -math.log2(2 / n))
    assert ir_ru["value"] == pytest.approx(ir_ru["npmi"])
    de_fr = _row(rows, ("DE", "FR"))
    assert de_fr["jaccard"] == 1.0 and de_fr["npmi"] == pytest.approx(1.0)  # always together
    assert _row(rows, ("CN", "RU"))["n_ab"] == 1  # only a1; a4's Moscow is not with China
    de_ru = _row(rows, ("DE", "RU"))
    assert de_ru["n_ab"] == 0 and math.isnan(de_ru["pmi"])
    thresholded = Q.cooccurrence(conn, Filters(), "article", 5, "raw", min_count=2)
    t = thresholded.set_index(["a", "b"])["value"]
    assert t[("IR", "RU")] == 2 and math.isnan(t[("CN", "RU")])
    mat = Q.cooccurrence_matrix(thresholded)
    iran = _row(mat, "Iran")
    assert iran["Russia"] == _row(mat, "Russia")["Iran"] == 2
    assert math.isnan(iran["Iran"])


def test_cooccurrence_sentence_scope(conn) -> None:
    df = Q.cooccurrence(conn, Filters(), "sentence", top_n=5, measure="pmi").set_index(["a", "b"])
    n = 12  # sentences with a country mention (see test_fixture_facts)
    cn_ru = _row(df, ("CN", "RU"))  # a1 title and first sentence
    assert (cn_ru["n_ab"], cn_ru["n_a"], cn_ru["n_b"], cn_ru["n_units"]) == (2, 4, 6, n)
    assert cn_ru["pmi"] == pytest.approx(math.log2((2 / n) / ((4 / n) * (6 / n))))  # = 0
    ir_ru = _row(df, ("IR", "RU"))  # a2 sentence 1 only
    assert ir_ru["n_ab"] == 1
    assert ir_ru["npmi"] == pytest.approx(math.log2(12 / 24) / -math.log2(1 / 12))
    no_cap = Q.cooccurrence_nodes(conn, Filters(include_capitals=False), "sentence", 5)
    # a4's title and a7's sentence drop out: 10 units, Russia in 4 of them
    assert int(no_cap["n_units"].iloc[0]) == 10
    assert _row(no_cap.set_index("entity_id"), "RU")["units"] == 4


def test_partners_and_pair_articles(conn, ids) -> None:
    partners = Q.partners_of(conn, Filters(), "RU", "article", "raw")
    assert list(partners["entity_id"]) == ["IR", "CN"]
    assert list(partners["n_ab"]) == [2, 1]
    jac = Q.partners_of(conn, Filters(), "RU", "article", "jaccard")
    assert jac["value"].tolist() == pytest.approx([2 / 5, 1 / 6])
    assert _names(conn, Q.articles_for_pair(conn, Filters(), "RU", "IR")) == ["a1", "a2"]
    sentence = Q.articles_for_pair(conn, Filters(), "RU", "CN", "sentence")
    assert _names(conn, sentence) == ["a1"] and list(sentence["n"]) == [2]


def test_term_frequencies(conn) -> None:
    df = Q.term_frequencies(conn, Filters(), limit=200).set_index("term")
    assert df.loc["deal", "n"] == 3 and df.loc["deal", "articles"] == 2
    assert df.loc["oil", "n"] == 3  # a2 x1 + a3 x2
    assert df.loc["deal", "per10k"] == pytest.approx(3 / 65 * 1e4)
    assert "the" not in df.index and "and" not in df.index
    assert "joint exercise" in df.index  # listed phrase kept whole
    # ... and its one occurrence is not counted again under "joint" and "exercise"
    assert "joint" not in df.index and "exercise" not in df.index
    no_c = Q.term_frequencies(conn, Filters(), 200, exclude_countries=True).set_index("term")
    assert not {"russia", "china", "iran", "moscow", "france"} & set(no_c.index)
    extra = Q.term_frequencies(conn, Filters(), 200, extra_stopwords=["Deal", "joint"])
    assert not {"deal", "joint", "joint exercise", "energy deal"} & set(extra["term"])


def test_term_keyness_against_rest(conn) -> None:
    df = Q.term_keyness(conn, Filters(sources=("MFA",)), "rest", limit=500).set_index("term")
    c, d = 9 + 13 + 10 + 6, 7 + 13 + 7  # words: MFA (a1 a2 a5 a7) vs Wire (a3 a4 a6)
    # "summit": 3 in MFA (a5 text, a7 title + text: titles are indexed too), 0 in Wire
    e1 = c * 3 / (c + d)
    assert df.loc["summit", "g2"] == pytest.approx(2 * (3 * math.log(3 / e1)))
    assert df.loc["summit", "log_ratio"] == pytest.approx(math.log2((3 / c) / (0.5 / d)))
    # "deal": 2 in MFA (a2), 1 in Wire (a4)
    e1, e2 = c * 3 / (c + d), d * 3 / (c + d)
    assert df.loc["deal", "g2"] == pytest.approx(2 * (2 * math.log(2 / e1) + math.log(1 / e2)))
    assert (df.loc["deal", "target_n"], df.loc["deal", "ref_n"]) == (2, 1)
    assert "oil" not in df.index  # 1/38 in MFA < 2/27 in Wire: under-represented
    assert list(df["g2"]) == sorted(df["g2"], reverse=True)


def test_term_keyness_against_period(conn) -> None:
    f = Filters(date_from=date(2021, 2, 1), date_to=date(2021, 3, 31))  # a3 a4 a5 a7
    df = Q.term_keyness(conn, f, "period", date(2021, 1, 1), date(2021, 1, 31), limit=500)
    rows = df.set_index("term")
    c, d = 7 + 13 + 10 + 6, 9 + 13  # Feb-Mar vs January (a1 a2)
    # "summit": 3 (a5, a7 title + text) vs 0
    assert rows.loc["summit", "g2"] == pytest.approx(2 * 3 * math.log(3 / (c * 3 / (c + d))))
    assert rows.loc["summit", "ref_per10k"] == 0


def test_articles_page_and_all(conn) -> None:
    page = Q.articles_page(conn, Filters(), limit=3, offset=0, order="newest")
    assert _names(conn, page) == ["a4", "a5", "a7"]
    assert list(page["title"]) == ["Summit", "Weekly briefing", "Moscow visit"]
    assert page.iloc[1]["countries"] == "France, Germany"  # France mentioned twice
    second = Q.articles_page(conn, Filters(), limit=3, offset=6, order="newest")
    assert _names(conn, second) == ["a6"]  # undated last
    by_title = Q.articles_page(conn, Filters(), limit=2, order="title")
    assert list(by_title["title"]) == ["Archive note", "Iran statement"]
    full = Q.articles_page(conn, Filters(), limit=100)
    assert len(full) == 7
    chunks = list(Q.iter_articles_all(conn, Filters(), chunk_rows=2))
    assert [len(c) for c in chunks] == [2, 2, 2, 1]
    assert pd.concat(chunks)["article_id"].tolist() == full["article_id"].tolist()
    empty = list(Q.iter_articles_all(conn, Filters(sources=("nobody",))))
    assert len(empty) == 1 and empty[0].empty and "countries" in empty[0].columns
    a1 = full.set_index("origin_file").loc["a1"]
    assert a1["countries"] == "China, Russia, Iran"  # by mentions (2, 2, 1), then name


def test_article_detail_mentions_and_kwic(conn, ids) -> None:
    detail = Q.article_detail(conn, ids["a4"])
    assert detail is not None and detail["title"] == "Moscow visit"
    assert Q.article_detail(conn, 12345) is None
    m = Q.article_mentions(conn, ids["a4"])
    assert list(m["field"]) == ["title", "text", "text"]
    assert list(m["surface"]) == ["Moscow", "Moscow", "Russia"]
    text = str(detail["text"])
    for row in m[m["field"] == "text"].to_dict("records"):
        assert text[row["start_pos"] : row["end_pos"]] == row["surface"]
    kw = Q.kwic_snippets(conn, Filters(), entity_id="RU", width=20)
    assert len(kw) == 2 + 1 + 3 + 1  # a1 title + text, a2, a4 (3 with capitals), a7
    per = kw.groupby("article_id").size()
    assert per[ids["a4"]] == 3 and per[ids["a1"]] == 2 and per[ids["a7"]] == 1
    assert set(kw["match"]) == {"Russia", "Moscow"}
    no_cap = Q.kwic_snippets(conn, Filters(include_capitals=False), entity_id="RU")
    assert set(no_cap["match"]) == {"Russia"}
    words = Q.kwic_snippets(conn, Filters(), query='"energy deal" OR summit', width=15)
    # a2, a4: "energy deal"; a5: "summit"; a7: title "Summit" and "summit" in the text
    assert sorted(words["match"].str.lower()) == ["energy deal"] * 2 + ["summit"] * 3
    row = words[words["article_id"] == ids["a2"]].iloc[0]
    assert row["left"].endswith("signed an ") and row["right"].startswith(". The deal")


def test_text_query_filters(conn) -> None:
    def n(q: str) -> int:
        return Q.count_articles(conn, Filters(text=q))

    assert n('"energy deal"') == 2  # a2, a4 (a5 has "energy" alone)
    assert n("energ*") == 3
    assert n("deal -oil") == 1  # a4
    assert n("oil OR summit") == 4  # a2 a3 a5 a7
    assert n("(russia OR china) AND talks") == 2  # a1, a4
    assert n('"Russia\'s talks"') == 0
    assert n("'; DROP TABLE articles; --") == 0
    assert Q.count_articles(conn, Filters()) == 7  # the table is still there


def test_hostile_values_are_bound(conn) -> None:
    evil = "x' OR '1'='1"
    assert Q.count_articles(conn, Filters(sources=(evil,))) == 0
    assert Q.count_articles(conn, Filters(countries=(evil,))) == 0
    assert Q.top_entities(conn, Filters(sources=(evil,)), "country").empty
    with pytest.raises(ValueError):
        Q.articles_per_period(conn, Filters(), "month; DROP TABLE articles")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Q.articles_page(conn, Filters(), order="title; --")  # type: ignore[arg-type]


def test_known_values_and_choices(conn) -> None:
    kv = Q.known_values(conn)
    assert kv.sources == {"MFA", "Wire"}
    assert kv.languages == {"en"}
    assert {"RU", "CN", "FR"} <= kv.countries
    assert "term:Joint exercises" in kv.groups
    assert kv.date_min == date(2021, 1, 10) and kv.date_max == date(2021, 3, 20)
    assert kv.name("RU") == "Russia"
    top = Q.top_entities(conn, Filters(), limit=50)
    assert top.iloc[0]["entity_id"] == "RU" and top.iloc[0]["articles"] == 4
    wire = Q.top_entities(conn, Filters(sources=("Wire",)), limit=50).set_index("entity_id")
    assert wire.loc["CN", "articles"] == 2 and "FR" not in wire.index


def test_overview_runs(conn) -> None:
    runs = Q.recent_ingest_runs(conn, 5)
    assert len(runs) == 1 and runs.iloc[0]["articles_added"] == 7
    assert Q.rejects_for_run(conn, int(runs.iloc[0]["run_id"])).empty


def test_empty_filtered_set_gives_empty_frames_with_columns(conn) -> None:
    f = Filters(sources=("nobody",))
    assert list(Q.term_frequencies(conn, f).columns) == ["term", "n", "articles", "per10k"]
    assert Q.term_frequencies(conn, f).empty
    assert Q.term_keyness(conn, f).empty
    assert Q.cooccurrence(conn, f).empty and Q.partners_of(conn, f, "RU").empty
    assert Q.mentions_over_time(conn, f, ["RU"]).empty
    assert Q.articles_per_period(conn, f).empty
    assert Q.kwic_snippets(conn, f, query="energy").empty
    assert Q.articles_page(conn, f).empty


def test_keyness_period_reference_when_target_is_everything(conn) -> None:
    df = Q.term_keyness(conn, Filters(), "period", date(2021, 1, 1), date(2021, 1, 31), limit=500)
    rows = df.set_index("term")
    # target: all 7 articles (65 words); reference: January only (a1 a2, 22 words)
    assert (rows.loc["summit", "target_n"], rows.loc["summit", "ref_n"]) == (3, 0)
    assert rows.loc["summit", "g2"] == pytest.approx(2 * 3 * math.log(3 / (65 * 3 / (65 + 22))))


def test_filtered_id_sets_are_per_connection_bounded_and_fresh(tmp_path: Path) -> None:
    c = open_store(tmp_path / "fresh.duckdb")
    ingest_articles(c, ARTICLES[:3])
    cur = c.cursor()

    def temp_tables(conn) -> list[str]:
        rows = conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'pw_fa_%'"
            " AND table_name <> 'pw_fa_log'"
        ).fetchall()
        return [r[0] for r in rows]

    assert Q.count_articles(cur, Filters(sources=("MFA",))) == 2
    assert Q.count_articles(cur, Filters()) == 3 and len(temp_tables(cur)) == 1  # none for ALL
    for year in range(2010, 2016):
        Q.count_articles(cur, Filters(date_from=date(year, 1, 1)))
    assert len(temp_tables(cur)) == 3  # only the most recent few are kept
    assert temp_tables(c.cursor()) == []  # another cursor sees none of them
    # keyness against the rest caches corpus totals per data version: new articles count
    before = Q.term_keyness(cur, Filters(sources=("MFA",)), "rest", limit=500).set_index("term")
    assert before.loc["deal", "ref_n"] == 0  # only a3 ("oil") is outside MFA so far
    ingest_articles(c, ARTICLES[3:])
    assert Q.count_articles(cur, Filters(sources=("MFA",))) == 4  # not the stale id set
    after = Q.term_keyness(cur, Filters(sources=("MFA",)), "rest", limit=500).set_index("term")
    assert after.loc["summit", "target_n"] == 3
    assert after.loc["deal", "ref_n"] == 1  # a4 counted: totals were recomputed
    words = Q.term_frequencies(cur, Filters(), 200, exclude_countries=True)["term"]
    assert "moscow" not in set(words)  # surface list refreshed after the new ingest
    c.close()


def test_precomputed_sentence_counts_match_the_mentions(tmp_path: Path) -> None:
    """Sentence-scope units stored at ingest equal what the mentions table says."""
    c = open_store(tmp_path / "sc.duckdb")
    ingest_articles(c, ARTICLES)
    per_entity = """
        SELECT article_id, entity_id,
               count(DISTINCT sentence) AS n_sentences,
               count(DISTINCT sentence) FILTER (WHERE kind = 'country') AS n_sentences_named
        FROM mentions WHERE kind IN ('country', 'capital') GROUP BY ALL ORDER BY ALL"""
    stored = """
        SELECT article_id, entity_id, n_sentences, n_sentences_named FROM article_entities
        WHERE kind = 'country' ORDER BY ALL"""
    assert c.execute(per_entity).fetchall() == c.execute(stored).fetchall()
    per_article = """
        SELECT a.article_id,
               count(DISTINCT m.sentence) FILTER (WHERE m.kind IN ('country', 'capital')),
               count(DISTINCT m.sentence) FILTER (WHERE m.kind = 'country')
        FROM articles a LEFT JOIN mentions m USING (article_id) GROUP BY ALL ORDER BY ALL"""
    stored_articles = """
        SELECT article_id, country_sentences, country_sentences_named FROM articles ORDER BY ALL"""
    assert c.execute(per_article).fetchall() == c.execute(stored_articles).fetchall()
    c.close()


def test_articles_by_source(conn) -> None:
    df = Q.articles_by_source(conn, Filters())
    # MFA: a1 a2 a5 a7; Wire: a3 a4 a6 (a6 undated, so Wire's span ends at a4)
    assert df[["source", "articles"]].values.tolist() == [["MFA", 4], ["Wire", 3]]
    wire = df.set_index("source").loc["Wire"]
    assert (str(wire["first"].date()), str(wire["last"].date())) == ("2021-02-15", "2021-02-20")
    only_iran = Q.articles_by_source(conn, Filters(countries=("IR",)))
    assert only_iran[["source", "articles"]].values.tolist() == [["MFA", 2], ["Wire", 1]]


def test_typed_terms_count_hyphenated_compounds(tmp_path: Path) -> None:
    # a hyphen ends a word, as in the sidebar query: "China-Russia" is a mention of Russia
    c = open_store(tmp_path / "h.duckdb")
    when = datetime(2022, 5, 1)
    ingest_articles(
        c,
        [
            _art("h1", "Talks", "China-Russia talks went on. Russia spoke.", when, "W"),
            _art("h2", "Ties", "United States-Russia ties and civil-military links.", when, "W"),
        ],
    )
    russia = Q.mentions_over_time(c, Filters(), ["word:russia"], "year", "mentions")
    assert list(russia["value"]) == [3.0]  # h1 x2, h2 x1
    milit = Q.mentions_over_time(c, Filters(), ["word:milit*"], "year", "articles")
    assert list(milit["value"]) == [1.0]  # h2
    assert Q.count_articles(c, Filters(text="russia")) == 2
    c.close()


def test_with_match_snippet_title_first_text_dropped() -> None:
    chunk = pd.DataFrame(
        {
            "article_id": [1, 2, 3],
            "title": ["Trade talks resume", "Weekly", None],
            "text": ["x", "Leaders met at the summit in Minsk.", "nothing here"],
        }
    )
    out = Q.with_match_snippet(chunk, '"trade talks" OR summit', width=10)
    assert list(out.columns) == ["article_id", "title", "match"]
    assert list(out["match"]) == ["«Trade talks» resume", "…et at the «summit» in Minsk.", ""]
    empty = Q.with_match_snippet(chunk.iloc[:0], "summit")
    assert empty.empty and list(empty.columns) == ["article_id", "title", "match"]


def test_cooccurrence_counts_the_articles_that_mention_a_country(tmp_path: Path) -> None:
    """The caption's "N articles mention at least one country" is a real count, not the size
    of the filtered set: articles without any country are left out, with or without dates."""
    no_country = [
        _art("n1", "Weather", "Rain is expected tomorrow.", datetime(2021, 2, 1), "Wire"),
        _art("n2", "Notice", "The office is closed on Monday.", None, "MFA"),
    ]
    c = open_store(tmp_path / "nc.duckdb")
    ingest_articles(c, [*ARTICLES, *no_country])
    try:
        everything = Q.cooccurrence_nodes(c, Filters(), "article", 5)
        assert int(everything["n_units"].iloc[0]) == 9  # the filtered set (PMI's N)
        assert int(everything["n_with_country"].iloc[0]) == 7  # a1-a7, not n1, n2
        # a7 names Russia only through Moscow: without capitals it mentions no country.
        named = Q.cooccurrence_nodes(c, Filters(include_capitals=False), "article", 5)
        assert int(named["n_with_country"].iloc[0]) == 6
        # Feb-Mar 2021: a3, a4, a5, a7 and n1; n1 mentions no country.
        feb_mar = Filters(date_from=date(2021, 2, 1), date_to=date(2021, 3, 31))
        dated = Q.cooccurrence_nodes(c, feb_mar, "article", 5)
        assert int(dated["n_units"].iloc[0]) == 5
        assert int(dated["n_with_country"].iloc[0]) == 4
        # Sentence scope units are already sentences that mention a country.
        sentences = Q.cooccurrence_nodes(c, Filters(), "sentence", 5)
        assert int(sentences["n_with_country"].iloc[0]) == 12
        assert int(sentences["n_units"].iloc[0]) == 12
    finally:
        c.close()


def test_missing_source_is_one_named_group_counted_once(tmp_path: Path) -> None:
    """Articles without a source show as "(unknown source)" in the per-source table, and the
    overview's Sources figure counts that group as the table lists it."""
    unsourced = [
        Article(text="Russia protested.", title="Note one", origin_file="u1"),
        Article(text="Iran replied.", title="Note two", origin_file="u2"),
    ]
    c = open_store(tmp_path / "us.duckdb")
    ingest_articles(c, [*ARTICLES, *unsourced])
    try:
        table = Q.articles_by_source(c, Filters())
        assert table[["source", "articles"]].values.tolist() == [
            ["MFA", 4], ["Wire", 3], [Q.UNKNOWN_SOURCE, 2]
        ]  # fmt: skip
        assert Q.UNKNOWN_SOURCE == "(unknown source)"
        overview = Q.corpus_overview(c, Filters())
        assert int(overview["sources"].iloc[0]) == len(table) == 3
        # A filtered set with only named sources does not count the group.
        mfa = Q.corpus_overview(c, Filters(sources=("MFA",)))
        assert int(mfa["sources"].iloc[0]) == 1
    finally:
        c.close()


def test_unknown_source_can_be_picked_as_a_filter(tmp_path: Path) -> None:
    unsourced = [Article(text="Russia protested.", title="Note", origin_file="u1")]
    c = open_store(tmp_path / "pick.duckdb")
    ingest_articles(c, [*ARTICLES, *unsourced])
    try:
        known = Q.known_values(c)
        assert known.sources == {"MFA", "Wire", Q.UNKNOWN_SOURCE}
        only_unknown = Filters(sources=(Q.UNKNOWN_SOURCE,))
        assert Q.count_articles(c, only_unknown) == 1
        assert Q.count_articles(c, Filters(sources=("MFA", Q.UNKNOWN_SOURCE))) == 5
        assert Q.count_articles(c, Filters(sources=("MFA",))) == 4
        # A shared link naming the group reproduces it.
        parsed, notes = Filters.from_query_params({"source": [Q.UNKNOWN_SOURCE]}, known=known)
        assert parsed.sources == (Q.UNKNOWN_SOURCE,) and not notes
        by_source = Q.articles_by_source(c, only_unknown)
        assert by_source[["source", "articles"]].values.tolist() == [[Q.UNKNOWN_SOURCE, 1]]
    finally:
        c.close()


@pytest.mark.parametrize(("capitals", "articles", "mentions"), [(True, 4, 7), (False, 3, 4)])
def test_one_capital_rule_in_every_view(conn, capitals: bool, articles: int, mentions: int) -> None:
    # RU: a1 x2, a2 x1, a4 named x1 + capital x2, a7 capital x1 (test_fixture_facts). With
    # capitals 4 articles, 7 mentions; without, a7 drops out and a4 counts once: 3 and 4.
    f = Filters(include_capitals=capitals)
    overview = _row(Q.top_entities(conn, f, "country", 10).set_index("entity_id"), "RU")
    series = Q.mentions_over_time(conn, f, ["RU"], "month", "mentions")
    nodes = _row(Q.cooccurrence_nodes(conn, f, "article", 10).set_index("entity_id"), "RU")
    filtered = Q.count_articles(conn, Filters(countries=("RU",), include_capitals=capitals))
    kwic = Q.kwic_snippets(conn, f, entity_id="RU", per_article=10)
    assert overview["articles"] == articles
    assert int(series["articles"].sum()) == articles
    assert nodes["units"] == articles
    assert filtered == articles
    assert overview["mentions"] == mentions
    assert int(series["mentions"].sum()) == mentions
    assert len(kwic) == mentions


def _records(df: pd.DataFrame) -> list[dict[Hashable, Any]]:
    # An all-NULL column reads as NaN through .df() and None through Arrow: the same cell.
    return df.astype(object).where(df.notna(), None).to_dict("records")


@pytest.mark.parametrize(
    "f",
    [
        Filters(),
        Filters(sources=("Wire",)),
        Filters(countries=("RU",), include_capitals=False),
        Filters(text="energy"),
        Filters(sources=("nobody",)),
    ],
)
def test_export_rows_are_the_page_rows(conn, f: Filters) -> None:
    # The CSV export is the article list without its page limit: the same rows, columns
    # and values, in the same order, whether read whole or a page at a time.
    export = pd.concat(list(Q.iter_articles_all(conn, f, chunk_rows=2)), ignore_index=True)
    whole = Q.articles_page(conn, f, limit=100)
    pages = [Q.articles_page(conn, f, limit=3, offset=o) for o in range(0, 9, 3)]
    assert list(export.columns) == list(whole.columns)
    assert "watch_groups" in export.columns
    assert _records(export) == _records(whole)
    assert _records(pd.concat(pages, ignore_index=True)) == _records(whole)
