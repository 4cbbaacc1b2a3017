"""AppTest tests of the dashboard: start at app.py, visit every page, change filters and
options, and check the numbers shown against a small database built with the real pipeline.

The six articles below are written so every expected number can be counted by hand:

====  ==========  ==========  ================================  ===========================
id    date        source      countries (named / capital only)  other
====  ==========  ==========  ================================  ===========================
A1    2021-03-10  Alpha Wire  Russia, Iran (+ Tehran)           United Nations
A2    2021-03-20  Alpha Wire  China (+ Beijing), Russia         "joint exercise" watch list
A3    2021-07-05  Beta News   France                            NATO; "summit" three times
A4    2022-01-15  Beta News   Iran, France, Russia              Russia only in sentence 2
A5    2022-02-01  Beta News   Russia via "Moscow" only          title is an HTML injection
A6    (undated)   Gamma Post  Germany
====  ==========  ==========  ================================  ===========================
"""

from __future__ import annotations

import csv
import io
import math
import re
from datetime import date, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from _readonly import unwritable
from streamlit.testing.v1 import AppTest

from presswatch.filters import Filters
from presswatch.ingest.pipeline import ingest_articles
from presswatch.models import Article, ParsedDate
from presswatch.schema import LATEST_VERSION
from presswatch.settings import MIN_MEMORY_MB
from presswatch.store import open_store
from presswatch.ui.render import Span, highlight_html, md_escape

APP = str(Path(__file__).resolve().parents[1] / "app.py")
TIMEOUT = 60
XSS_TITLE = "<img src=x onerror=alert(1)>"


def _day(iso: str) -> ParsedDate:
    return ParsedDate(datetime.fromisoformat(iso), "day")


ARTICLES = [
    Article(
        text="Russia and Iran held talks in Tehran on Tuesday. The United Nations welcomed the meeting.",
        origin_file="a1.txt",
        title="Russia and Iran hold talks",
        date=_day("2021-03-10"),
        source="Alpha Wire",
    ),
    Article(
        text="China and Russia began a joint exercise at sea. Officials in Beijing said the drills were routine.",
        origin_file="a2.txt",
        title="China praises naval drills",
        date=_day("2021-03-20"),
        source="Alpha Wire",
    ),
    Article(
        text="France hosted a summit on Monday. NATO officials attended the summit.",
        origin_file="a3.txt",
        title="France hosts summit",
        date=_day("2021-07-05"),
        source="Beta News",
    ),
    Article(
        text="Iran and France discussed trade on Friday. Russia sent an observer to the trade talks.",
        origin_file="a4.txt",
        title="Iran and France discuss trade",
        date=_day("2022-01-15"),
        source="Beta News",
    ),
    Article(
        text="Officials in Moscow said the talks would continue next week.",
        origin_file="a5.txt",
        title=XSS_TITLE,
        date=_day("2022-02-01"),
        source="Beta News",
    ),
    Article(
        text="Germany issued a statement about the weather.",
        origin_file="a6.txt",
        title="Undated statement",
        date=None,
        source="Gamma Post",
    ),
]


def build_db(path: Path, articles: list[Article] = ARTICLES) -> Path:
    """A database filled through the real ingestion pipeline."""
    conn = open_store(path)
    try:
        ingest_articles(conn, articles, origin="test")
    finally:
        conn.close()
    return path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("app") / "app.duckdb")


@pytest.fixture
def use_db(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRESSWATCH_DB", str(db_path))
    return db_path


def unmd(text: str) -> str:
    """Markdown-escaped text as the reader sees it."""
    return re.sub(r"\\(.)", r"\1", text.replace("**", ""))


def new_app(params: dict[str, str | list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if params:
        at.query_params.update(params)
    return at.run()


def ok(at: AppTest) -> AppTest:
    """Fail with the app's own message when a run raised."""
    assert not at.exception, [e.message for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def description(at: AppTest) -> str:
    """The one-line filter description under the page title."""
    texts = [unmd(c.value) for c in at.caption]
    return next(t for t in texts if " article" in t and "·" in t)


def warnings(at: AppTest) -> str:
    return "\n".join(unmd(w.value) for w in at.warning)


def page(at: AppTest, name: str) -> AppTest:
    return ok(at.switch_page(f"app_pages/{name}.py").run())


def frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first dataframe shown that has all these columns."""
    for df in at.dataframe:
        value = df.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no dataframe with columns {columns}")


# --------------------------------------------------------------------------- overview & filters


def test_overview_shows_corpus_numbers(use_db: Path) -> None:
    at = ok(new_app())
    assert [t.value for t in at.title] == ["Overview"]
    assert metric(at, "Articles") == "6"
    assert metric(at, "Sources") == "3"
    assert metric(at, "First") == "2021-03-10"
    assert metric(at, "Last") == "2022-02-01"
    assert description(at) == "6 articles · all articles"
    assert any("1 of these articles have no publication date" in unmd(c.value) for c in at.caption)
    top = frame_with(at, "name", "articles", "mentions")
    counts = dict(zip(top["name"], top["articles"], strict=False))
    # Russia: A1, A2, A4 by name and A5 through Moscow.
    assert counts["Russia"] == 4
    assert counts["Iran"] == 2 and counts["France"] == 2
    sources = frame_with(at, "source", "articles", "first", "last")
    assert list(zip(sources["source"], sources["articles"], strict=True)) == [
        ("Beta News", 3),
        ("Alpha Wire", 2),
        ("Gamma Post", 1),
    ]
    assert sources["first"].iloc[0] == "2021-07-05" and sources["last"].iloc[2] == "(undated)"
    assert at.query_params == {}


def test_a_page_file_run_alone_says_it_runs_through_app_py(use_db: Path) -> None:
    # Page files run only inside app.py's frame (sidebar, URL, database cursor); none of
    # them sits in a pages/ folder, so Streamlit never runs one without app.py.
    alone = Path(APP).parent / "app_pages" / "mentions.py"
    at = AppTest.from_file(str(alone), default_timeout=TIMEOUT).run()
    assert [e.message for e in at.exception] == [
        "the 'mentions' page runs only through the dashboard's entry point "
        "(streamlit run app.py), which prepares its frame"
    ]
    assert not (Path(APP).parent / "pages").exists()


def test_country_filter_changes_counts_and_url(use_db: Path) -> None:
    at = ok(new_app())
    ok(at.multiselect(key="pw_f_country").set_value(["RU"]).run())
    assert metric(at, "Articles") == "4"
    assert at.query_params == {"country": "RU"}
    assert description(at) == "4 articles · mentioning Russia"

    # Without capital-city metonymy A5 ("Officials in Moscow") no longer counts.
    ok(at.checkbox(key="pw_f_capitals").uncheck().run())
    assert metric(at, "Articles") == "3"
    assert at.query_params == {"country": "RU", "capitals": "0"}

    ok(at.checkbox(key="pw_f_capitals").check().run())
    ok(at.multiselect(key="pw_f_country").set_value(["IR", "RU"]).run())
    assert metric(at, "Articles") == "4"  # any: A1, A2, A4, A5
    ok(at.radio(key="pw_f_match").set_value("all").run())
    assert metric(at, "Articles") == "2"  # all: A1, A4
    assert at.query_params["match"] == "all"
    assert sorted(at.query_params["country"]) == ["IR", "RU"]


def test_source_date_org_group_and_text_filters(use_db: Path) -> None:
    at = ok(new_app())
    ok(at.multiselect(key="pw_f_source").set_value(["Beta News"]).run())
    assert metric(at, "Articles") == "3"
    ok(at.date_input(key="pw_f_from").set_value(date(2022, 1, 1)).run())
    assert metric(at, "Articles") == "2"  # A4, A5
    assert at.query_params == {"source": "Beta News", "from": "2022-01-01"}
    ok(at.button(key="pw_f_reset").click().run())
    assert metric(at, "Articles") == "6"
    assert at.query_params == {}

    ok(at.date_input(key="pw_f_to").set_value(date(2021, 12, 31)).run())
    assert metric(at, "Articles") == "3"  # A1-A3; the undated A6 is outside any date range
    ok(at.button(key="pw_f_reset").click().run())

    ok(at.multiselect(key="pw_f_org").set_value(["org:NATO"]).run())
    assert metric(at, "Articles") == "1"
    ok(at.multiselect(key="pw_f_org").set_value([]).run())
    ok(at.multiselect(key="pw_f_group").set_value(["term:Joint exercises"]).run())
    assert metric(at, "Articles") == "1"
    assert at.query_params == {"group": "term:Joint exercises"}
    ok(at.multiselect(key="pw_f_group").set_value([]).run())

    ok(at.text_input(key="pw_f_q").input('"trade talks" OR summit').run())
    assert metric(at, "Articles") == "2"  # A3 (summit), A4 (trade talks)
    assert at.query_params == {"q": '"trade talks" OR summit'}


def test_filters_survive_page_switches(use_db: Path) -> None:
    at = ok(new_app())
    ok(at.multiselect(key="pw_f_source").set_value(["Alpha Wire"]).run())
    for name in ("mentions", "cooccurrence", "terms", "articles", "overview"):
        page(at, name)
        assert description(at).startswith("2 articles · source Alpha Wire"), name
    assert metric(at, "Articles") == "2"


# --------------------------------------------------------------------------- pages


def test_mentions_over_time_numbers_and_articles_behind(use_db: Path) -> None:
    at = page(ok(new_app()), "mentions")
    ok(at.multiselect(key="pw_mentions_e").set_value(["IR", "RU"]).run())
    ok(at.segmented_control(key="pw_mentions_gran").set_value("year").run())
    table = frame_with(at, "Russia", "Iran")
    # Mentions by year (capitals counted): Russia 2021 = 2 (A1) + 1 (A2); 2022 = 1 (A4) + 1 (A5).
    assert list(table["Russia"]) == [3, 2]
    # Iran: A1 names it twice and Tehran once = 3; A4 names it twice.
    assert list(table["Iran"]) == [3, 2]

    ok(at.selectbox(key="pw_mentions_measure").set_value("articles").run())
    table = frame_with(at, "Russia", "Iran")
    assert list(table["Russia"]) == [2, 2] and list(table["Iran"]) == [1, 1]
    ok(at.selectbox(key="pw_mentions_measure").set_value("share").run())
    table = frame_with(at, "Russia", "Iran")
    # 2021 has A1-A3 (3 articles), 2022 has A4-A5 (2 articles).
    assert table["Russia"].tolist() == pytest.approx([2 / 3, 1.0])
    assert table["Iran"].tolist() == pytest.approx([1 / 3, 1 / 2])

    q = at.query_params
    assert q["gran"] == "year" and q["measure"] == "share" and sorted(q["e"]) == ["IR", "RU"]

    # The fallback period picker lists the articles behind a point.
    ok(at.selectbox(key="pw_mentions_period").set_value("2021-01-01").run())
    ok(at.selectbox(key="pw_mentions_pe").set_value("RU").run())
    assert any("2 articles in 2021 mentioning Russia" in unmd(m.value) for m in at.markdown)
    behind = frame_with(at, "title", "mentions")
    assert sorted(behind["title"]) == ["China praises naval drills", "Russia and Iran hold talks"]
    assert at.query_params["period"] == "2021-01-01" and at.query_params["pe"] == "RU"

    # A typed term: "talks" in 2021 only in A1 (title and text), in 2022 in A4 and A5.
    ok(at.multiselect(key="pw_mentions_e").set_value([]).run())
    ok(at.selectbox(key="pw_mentions_measure").set_value("articles").run())
    ok(at.text_input(key="pw_mentions_w").input("talks").run())
    table = frame_with(at, "“talks”")
    assert list(table["“talks”"]) == [1, 2]


def test_rolling_mean(use_db: Path) -> None:
    at = ok(new_app())
    at.query_params.update({"e": "RU", "gran": "year", "measure": "articles", "roll": "2"})
    at = page(at, "mentions")
    table = frame_with(at, "Russia")
    # Trailing mean over two periods: 2021 -> 2 (one period only), 2022 -> (2 + 2) / 2.
    assert list(table["Russia"]) == pytest.approx([2.0, 2.0])
    assert at.slider(key="pw_mentions_roll").value == 2


def test_cooccurrence_measures_partners_and_cells(use_db: Path) -> None:
    at = page(ok(new_app()), "cooccurrence")
    ok(at.selectbox(key="pw_cooccurrence_focus").set_value("RU").run())
    partners = frame_with(at, "name", "together")
    together = dict(zip(partners["name"], partners["together"], strict=False))
    assert together == {"Iran": 2, "China": 1, "France": 1}
    row = partners[partners["name"] == "Iran"].iloc[0]
    # Article scope, all 6 articles are units: n(RU) = 4, n(IR) = 2, n(RU & IR) = 2.
    assert row["jaccard"] == pytest.approx(2 / (4 + 2 - 2), abs=1e-3)
    assert row["pmi"] == pytest.approx(math.log2((2 / 6) / ((4 / 6) * (2 / 6))), abs=1e-3)

    ok(at.selectbox(key="pw_cooccurrence_ca").set_value("IR").run())
    ok(at.selectbox(key="pw_cooccurrence_cb").set_value("RU").run())
    assert any(
        "2 articles where Iran and Russia appear in the same article" in unmd(m.value)
        for m in at.markdown
    )
    ok(at.segmented_control(key="pw_cooccurrence_scope").set_value("sentence").run())
    # Same sentence: only A1 (A4 names Russia in a sentence of its own).
    assert any(
        "1 articles where Iran and Russia appear in the same sentence" in unmd(m.value)
        for m in at.markdown
    )
    ok(at.selectbox(key="pw_cooccurrence_measure").set_value("npmi").run())
    ok(at.number_input(key="pw_cooccurrence_min").set_value(2).run())
    ok(at.segmented_control(key="pw_cooccurrence_view").set_value("network").run())
    q = at.query_params
    assert (q["scope"], q["measure"], q["min"], q["view"], q["focus"]) == (
        "sentence", "npmi", "2", "network", "RU",
    )  # fmt: skip


def test_terms_frequency_stopwords_countries_and_keyness(use_db: Path) -> None:
    at = page(ok(new_app()), "terms")
    table = frame_with(at, "term", "n", "articles")
    row = table[table["term"] == "summit"].iloc[0]
    assert (row["n"], row["articles"]) == (3, 1)  # A3: title once, text twice
    assert "france" in set(table["term"])
    assert at.get("image"), "the word cloud image is shown"

    ok(at.text_input(key="pw_terms_stop").input("summit").run())
    assert "summit" not in set(frame_with(at, "term", "n")["term"])
    ok(at.checkbox(key="pw_terms_nocountry").check().run())
    assert "france" not in set(frame_with(at, "term", "n")["term"])
    assert at.query_params == {"stop": "summit", "nocountry": "1"}

    ok(at.text_input(key="pw_terms_stop").input("").run())
    ok(at.multiselect(key="pw_f_source").set_value(["Beta News"]).run())
    ok(at.segmented_control(key="pw_terms_mode").set_value("distinctive").run())
    table = frame_with(at, "term", "target_n", "ref_n", "g2")
    row = table[table["term"] == "summit"].iloc[0]
    assert (row["target_n"], row["ref_n"]) == (3, 0)
    assert row["g2"] > 0


def test_articles_list_order_and_keyword_in_context(use_db: Path) -> None:
    at = page(ok(new_app()), "articles")
    listing = frame_with(at, "date", "source", "title", "countries")
    assert len(listing) == 6
    assert listing["title"].iloc[0] == XSS_TITLE  # newest first, shown as a text cell
    assert any(b.label.startswith("Download all 6 articles") for b in at.download_button)

    ok(at.segmented_control(key="pw_articles_order").set_value("oldest").run())
    listing = frame_with(at, "date", "title")
    assert listing["title"].iloc[0] == "Russia and Iran hold talks"

    ok(at.text_input(key="pw_f_q").input('"trade talks"').run())
    html_bodies = [h.value for h in at.html]
    assert any("<mark" in h and "trade talks</mark>" in h for h in html_bodies)

    # The words around every detected mention of Russia: A1 (title and text), A2, A4 by
    # name, A5 through "Moscow".
    ok(at.text_input(key="pw_f_q").input("").run())
    ok(at.multiselect(key="pw_f_country").set_value(["RU"]).run())
    ok(at.selectbox(key="pw_articles_kw").set_value("RU").run())
    bodies = "\n".join(h.value for h in at.html)
    assert sorted(re.findall(r"<mark[^>]*>([^<]*)</mark>", bodies)) == ["Moscow"] + ["Russia"] * 4
    # The one filtered country is the default choice, so the URL does not repeat it.
    assert at.query_params == {"country": "RU", "order": "oldest"}


def _article_id(db: Path, title: str) -> int:

    # The dashboard (this process) owns the file read-write; borrow a cursor from it.
    from presswatch.store import shared_connection

    cur: duckdb.DuckDBPyConnection = shared_connection(str(db)).cursor()
    try:
        row = cur.execute("SELECT article_id FROM articles WHERE title = ?", [title]).fetchall()
    finally:
        cur.close()
    return int(row[0][0])


def test_article_view_escapes_and_highlights_every_mention(use_db: Path) -> None:
    ok(new_app())  # opens the shared connection
    xss_id = _article_id(use_db, XSS_TITLE)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.query_params.clear()
    at.query_params.update({"article": str(xss_id)})
    at.switch_page("app_pages/articles.py")
    ok(at.run())
    bodies = "\n".join(h.value for h in at.html)
    assert "&lt;img src=x onerror=alert(1)&gt;" in bodies
    assert "<img" not in bodies
    # Moscow is highlighted as a capital mention of Russia.
    assert re.search(r"<mark title=\"Russia · capital\"[^>]*>Moscow</mark>", bodies)
    mentions = frame_with(at, "name", "kind", "signal", "surface")
    assert list(mentions["surface"]) == ["Moscow"]
    assert at.query_params["article"] == str(xss_id)

    a1 = _article_id(use_db, "Russia and Iran hold talks")
    at.query_params.update({"article": str(a1)})
    ok(at.run())
    bodies = "\n".join(h.value for h in at.html)
    surfaces = re.findall(r"<mark title=\"[^\"]*\"[^>]*>([^<]*)</mark>", bodies)
    # Title: Russia, Iran; text: Russia, Iran, Tehran, United Nations.
    assert surfaces[:6] == ["Russia", "Iran", "Russia", "Iran", "Tehran", "United Nations"]


def test_ingest_page_adds_articles_visible_on_other_pages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = build_db(tmp_path / "ingest.duckdb", ARTICLES[:2])
    monkeypatch.setenv("PRESSWATCH_DB", str(db))
    at = ok(new_app())
    assert metric(at, "Articles") == "2"
    at = page(at, "ingest")
    text = (
        b"Ukraine and Poland sign a defence pact\n\n"
        b"Ukraine and Poland signed a defence pact in Warsaw on 3 May 2023.\n"
    )
    at.file_uploader(key="pw_ingest_files").set_value(
        [("pact.txt", text, "text/plain"), ("empty.txt", b"", "text/plain")]
    )
    ok(at.form_submit_button[0].click().run())
    summary = {row: str(v) for row, v in at.table[0].value.iloc[:, 0].items()}
    assert summary["Articles added"] == "1"
    assert summary["Rejected"] == "1"
    rejects = frame_with(at, "file", "reason", "detail")
    assert list(rejects["file"]) == ["empty.txt"]
    at = page(at, "overview")
    assert metric(at, "Articles") == "3"


def test_empty_database_gives_a_friendly_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "empty.duckdb"
    open_store(db).close()
    monkeypatch.setenv("PRESSWATCH_DB", str(db))
    at = ok(new_app())
    for name in ("overview", "mentions", "cooccurrence", "terms", "articles"):
        at = page(at, name)
        info = " ".join(i.value for i in at.info)
        assert "presswatch demo" in info and "Ingest" in info, name
    at = page(at, "ingest")
    assert at.get("file_uploader")


# --------------------------------------------------------------------------- deep links


def test_deep_link_reproduces_filters(use_db: Path) -> None:
    at = ok(new_app({"country": ["IR", "RU"], "match": "all", "from": "2021", "to": "2022"}))
    assert metric(at, "Articles") == "2"
    assert at.multiselect(key="pw_f_country").value == ["IR", "RU"]
    assert at.date_input(key="pw_f_from").value == date(2021, 1, 1)
    assert at.date_input(key="pw_f_to").value == date(2022, 12, 31)
    assert not at.warning
    assert description(at) == "2 articles · 2021–2022 · mentioning Iran and Russia"
    code = at.code[0].value
    assert code.startswith("/") and "country=IR&country=RU" in code and "match=all" in code


def test_deep_link_with_bad_values_falls_back_with_notes(use_db: Path) -> None:
    hostile = "'; DROP TABLE articles; --"
    at = ok(
        new_app(
            {
                "from": "2021-13-45",
                "country": ["RU", "ZZ", "<script>alert(1)</script>"],
                "source": "Removed Source",
                "capitals": "maybe",
                "q": hostile,
                "gran": "decade",
                "bogus": "1",
            }
        )
    )
    notes = warnings(at)
    assert "Ignored the start date '2021-13-45'" in notes
    assert "Ignored unknown country code 'ZZ'" in notes
    assert "<script>alert(1)</script>" in notes  # quoted as text, never as HTML
    assert "Ignored unknown source 'Removed Source'" in notes
    assert "capitals='maybe'" in notes
    assert "gran='decade'" in notes
    assert "Ignored the parameter 'bogus'" in notes
    # What was valid is kept: Russia, and the text query (which matches nothing).
    assert at.multiselect(key="pw_f_country").value == ["RU"]
    assert at.date_input(key="pw_f_from").value is None
    assert at.segmented_control(key="pw_overview_gran").value == "month"
    assert metric(at, "Articles") == "0"
    assert at.query_params == {"country": "RU", "q": hostile}
    # The injection did nothing: the table is still there on the next view.
    ok(at.text_input(key="pw_f_q").input("").run())
    assert metric(at, "Articles") == "4"
    assert not at.warning  # notes go away once the view changes


def test_deep_link_huge_values_on_pages(use_db: Path) -> None:
    at = ok(new_app())
    at.query_params.clear()
    at.query_params.update({"top": "9" * 30, "min": "-5", "scope": "paragraph", "focus": "XX"})
    at = page(at, "cooccurrence")
    notes = warnings(at)
    assert "top=" in notes and "min='-5'" in notes and "scope='paragraph'" in notes
    assert "focus='XX'" in notes
    assert at.slider(key="pw_cooccurrence_top").value == 15
    assert at.number_input(key="pw_cooccurrence_min").value == 1
    assert at.query_params == {}

    at.query_params.update({"pg": "99999999999", "article": "not-a-number", "order": "random"})
    at = page(at, "articles")
    notes = warnings(at)
    assert "pg=" in notes and "article='not-a-number'" in notes and "order='random'" in notes
    assert at.number_input(key="pw_articles_pg").value == 1
    assert len(frame_with(at, "date", "title")) == 6

    at.query_params.update({"article": "123456789"})
    at = page(at, "articles")
    assert any("not in the database" in w.value for w in at.warning)


def test_deep_link_to_page_options(use_db: Path) -> None:
    at = ok(new_app())
    at.query_params.update({"mode": "distinctive", "ref": "period", "rfrom": "2021-01-01",
                            "rto": "2021-12-31", "from": "2022-01-01", "n": "20"})  # fmt: skip
    at = page(at, "terms")
    assert at.segmented_control(key="pw_terms_mode").value == "distinctive"
    assert at.segmented_control(key="pw_terms_ref").value == "period"
    assert at.date_input(key="pw_terms_rfrom").value == date(2021, 1, 1)
    assert at.slider(key="pw_terms_n").value == 20
    table = frame_with(at, "term", "target_n", "ref_n")
    assert len(table) <= 20
    # "trade" is in A4 (2022) only: nothing in the 2021 reference period.
    row = table[table["term"] == "trade"]
    assert not row.empty and int(row.iloc[0]["ref_n"]) == 0


# --------------------------------------------------------------------------- pieces


def test_articles_csv_has_every_row_and_is_formula_safe(use_db: Path) -> None:
    from presswatch.store import shared_connection
    from presswatch.ui.data import articles_csv

    data = articles_csv(shared_connection(str(use_db)), Filters(countries=("RU",)), "=cmd|x")
    text = data.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith('"# presswatch export')
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))
    assert len(rows) == 4
    assert {r["title"] for r in rows} >= {XSS_TITLE, "Russia and Iran hold talks"}


def test_articles_csv_first_line_has_link_and_exact_ids(use_db: Path) -> None:
    from presswatch.store import shared_connection
    from presswatch.ui.data import articles_csv

    conn = shared_connection(str(use_db))
    f = Filters(countries=("RU",))
    link = "http://h:8501/articles?country=RU"
    lines = articles_csv(conn, f, "4 articles", link).decode("utf-8-sig").splitlines()
    assert next(csv.reader([lines[0]]))[0].startswith(
        f"# presswatch export · 4 articles · link {link} · "
    )
    ids = {
        int(r["article_id"].removeprefix("id:"))
        for r in csv.DictReader(io.StringIO("\n".join(lines[1:])))
    }
    groups = articles_csv(conn, Filters(groups=("term:Joint exercises",)), "d").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO("\n".join(groups.splitlines()[1:]))))
    assert [r["watch_groups"] for r in rows] == ["Joint exercises"]
    talks = articles_csv(conn, Filters(text='"trade talks" OR summit'), "d").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO("\n".join(talks.splitlines()[1:]))))
    assert len(rows) == 2 and "text" not in rows[0]
    assert all("«" in r["match"] and "»" in r["match"] for r in rows)
    assert {r["match"].split("«")[1].split("»")[0].lower() for r in rows} <= {
        "trade talks",
        "summit",
    }
    # Exact 64-bit ids, not the 15-digit roundings a spreadsheet would make of a number.
    stored = conn.sql("SELECT article_id FROM articles").fetchall()
    assert len(ids) == 4 and ids <= {row[0] for row in stored}


def test_frame_link_is_the_view_so_far() -> None:
    from presswatch.filters import KnownValues
    from presswatch.ui import frame as ui_frame
    from presswatch.ui.state import Options, ViewState

    options = Options(page="articles", params={}, adopt=False)
    view = ViewState(
        page="articles",
        filters=Filters(countries=("RU",)),
        known=KnownValues(),
        options=options,
        raw={},
    )
    frame = ui_frame.Frame(db=None, view=view, total_articles=1, n_articles=1, description="d")  # type: ignore[arg-type]
    assert "order=" not in frame.link()
    # An option read after an earlier export is in the link of the exports that follow it.
    options.out["order"] = "oldest"
    link = frame.link()
    assert link.startswith("/articles?") and "country=RU" in link
    assert "order=oldest" in link


def test_highlight_html_escapes_text_and_merges_overlaps() -> None:
    text = 'A <b>"x"</b> & Sino-Russian drills'
    start = text.index("Sino-Russian")
    spans = [
        Span(start, start + len("Sino-Russian"), "China · country · compound", "country"),
        Span(start, start + len("Sino-Russian"), "Russia · country · compound", "country"),
        Span(0, 1, "<script>", "term"),
    ]
    out = highlight_html(text, spans)
    assert "<b>" not in out and "&lt;b&gt;" in out and "&amp;" in out
    assert out.count("<mark") == 2
    assert 'title="&lt;script&gt;"' in out
    assert "China · country · compound + Russia · country · compound" in out


def test_md_escape_neutralises_markdown() -> None:
    assert md_escape("[x](javascript:alert(1)) *b* <i>") == (
        r"\[x\]\(javascript\:alert\(1\)\) \*b\* \<i\>"
    )
    assert unmd(md_escape("a_b $5")) == "a_b $5"


def test_keyness_reference_defaults_to_the_period_before(use_db: Path) -> None:
    at = ok(new_app())
    at.query_params.update({"mode": "distinctive", "ref": "period", "from": "2022", "to": "2022"})
    at = page(at, "terms")
    # The filtered year 2022 is compared with the year before it.
    assert at.date_input(key="pw_terms_rfrom").value == date(2021, 1, 1)
    assert at.date_input(key="pw_terms_rto").value == date(2021, 12, 31)
    table = frame_with(at, "term", "target_n", "ref_n")
    talks = table[table["term"] == "talks"].iloc[0]
    # "talks": A4 and A5 in 2022 (once each); A1 in 2021 (title and text).
    assert (talks["target_n"], talks["ref_n"]) == (2, 2)
    assert "rfrom" not in at.query_params and "rto" not in at.query_params


def test_language_filter_appears_with_several_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [
        Article(
            text="Spain and Portugal agreed on a joint patrol.",
            origin_file="en.txt",
            title="Spain and Portugal agree",
            date=_day("2023-05-02"),
            source="Iberia Desk",
            language="en",
        ),
        Article(
            text="L'Espagne et le Portugal ont signé un accord de patrouille commune.",
            origin_file="fr.txt",
            title="Accord entre l'Espagne et le Portugal",
            date=_day("2023-05-03"),
            source="Iberia Desk",
            language="fr",
        ),
    ]
    monkeypatch.setenv("PRESSWATCH_DB", str(build_db(tmp_path / "lang.duckdb", articles)))
    at = ok(new_app())
    assert metric(at, "Articles") == "2"
    ok(at.multiselect(key="pw_f_lang").set_value(["fr"]).run())
    assert metric(at, "Articles") == "1"
    assert at.query_params == {"lang": "fr"}
    assert description(at) == "1 article · language fr"


# --------------------------------------------------------------------------- bad database targets


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.error]


def _foreign(path: Path) -> Path:
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE articles (headline VARCHAR)")
    conn.close()
    return path


def _newer(path: Path) -> Path:
    conn = open_store(path)
    conn.execute("INSERT INTO schema_migrations VALUES (?, 'future', now())", [LATEST_VERSION + 1])
    conn.close()
    return path


def _junk(path: Path) -> Path:
    path.write_bytes(b"my notes, not a database\n")
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


@pytest.mark.parametrize(
    ("make", "sentence"),
    [
        (
            _foreign,
            "{db} is a DuckDB database of another program (tables: articles), not a presswatch "
            "one; presswatch leaves it untouched, so choose another database file.",
        ),
        (
            _newer,
            f"The database {{db}} has schema version {LATEST_VERSION + 1}, newer than this "
            f"presswatch knows ({LATEST_VERSION}); upgrade presswatch to use it.",
        ),
        (
            _junk,
            "{db} is not a DuckDB database file, so presswatch cannot use it; give a new file "
            "name or an existing presswatch database.",
        ),
        (
            _folder,
            "The database path {db} is a folder, not a file; give a file path such as "
            "{db}/presswatch.duckdb.",
        ),
    ],
    ids=["foreign", "newer", "junk", "folder"],
)
def test_bad_database_target_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make: object, sentence: str
) -> None:
    assert callable(make)
    db = make(tmp_path / "target.duckdb")
    before = db.read_bytes() if db.is_file() else b""
    monkeypatch.setenv("PRESSWATCH_DB", str(db))
    at = ok(new_app())
    assert _errors(at) == [sentence.format(db=db)]
    if db.is_file():
        assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target.duckdb"]


def test_bad_memory_setting_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSWATCH_DB", str(tmp_path / "m.duckdb"))
    monkeypatch.setenv("PRESSWATCH_DASHBOARD_MEMORY_MB", "1")
    at = ok(new_app())
    assert _errors(at) == [
        f"The setting PRESSWATCH_DASHBOARD_MEMORY_MB must be at least {MIN_MEMORY_MB}, but it is 1."
    ]


def test_read_only_database_is_served_read_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = build_db(tmp_path / "archive.duckdb")
    before = db.read_bytes()
    monkeypatch.setenv("PRESSWATCH_DB", str(db))
    with unwritable(db):
        at = ok(new_app())
        assert not at.error
        assert metric(at, "Articles") == "6"
        assert any("read-only for the dashboard" in i.value for i in at.info)
        at = page(at, "ingest")
        assert [b.disabled for b in at.button if b.label == "Ingest"] == [True]
    assert db.read_bytes() == before


def test_missing_source_shows_as_unknown_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = [
        *ARTICLES[:2],
        Article(
            text="Russia and Iran met again.",
            origin_file="nosource.txt",
            title="No outlet given",
            date=_day("2021-04-01"),
        ),
    ]
    monkeypatch.setenv("PRESSWATCH_DB", str(build_db(tmp_path / "nosrc.duckdb", articles)))
    at = ok(new_app())
    table = frame_with(at, "source", "articles")
    assert sorted(table["source"]) == ["(unknown source)", "Alpha Wire"]
    assert metric(at, "Sources") == str(len(table)) == "2"
    ok(at.multiselect(key="pw_f_source").set_value(["(unknown source)"]).run())
    assert metric(at, "Articles") == "1"
    at = page(at, "articles")
    listed = frame_with(at, "title", "source")
    assert listed["source"].tolist() == ["(unknown source)"]
