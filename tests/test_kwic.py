"""Keyword in context: lines name their article, sort, download in full, and a country
filter alone is enough to get the words around that country's mentions.

Uses the six hand-counted articles of test_app.py (A1–A6).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_app import ARTICLES, XSS_TITLE, _day, build_db, new_app, ok, page

from presswatch import queries as Q
from presswatch.filters import UNKNOWN_SOURCE, Filters
from presswatch.models import Article
from presswatch.store import open_store
from presswatch.ui.data import articles_csv, kwic_csv
from presswatch.ui.render import kwic_html

NO_SOURCE = Article(
    text="Russia and Iran met again. Russia said so.",
    origin_file="nosource.txt",
    title="No outlet given",
    date=_day("2021-04-01"),
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("kwic") / "kwic.duckdb", [*ARTICLES, NO_SOURCE])


@pytest.fixture
def use_db(db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRESSWATCH_DB", str(db))
    return db


def _rows(data: bytes) -> tuple[str, list[dict[str, str]]]:
    lines = data.decode("utf-8-sig").splitlines()
    return next(csv.reader([lines[0]]))[0], list(csv.DictReader(io.StringIO("\n".join(lines[1:]))))


def test_kwic_lines_show_the_title_escaped() -> None:
    rows = pd.DataFrame(
        [
            (1, pd.Timestamp("2021-01-01"), "year", "UN", "Statement by X", "in ", "Russia", "."),
            (2, pd.Timestamp("2021-03-10"), "day", "UN", XSS_TITLE, "by ", "Russia", ""),
            (3, None, None, None, None, "", "Russia", ""),
        ],
        columns=Q.KWIC_COLUMNS,
    )
    out = kwic_html(rows)
    assert "Statement by X" in out
    assert "2021 · UN" in out and "2021-01-01" not in out  # a year-only date stays a year
    assert "2021-03-10 · UN" in out
    assert "&lt;img src=x onerror=alert(1)&gt;" in out and "<img" not in out
    assert "(untitled)" in out and UNKNOWN_SOURCE in out and "(undated)" in out


def test_kwic_sorts_by_date_source_and_title(db: Path) -> None:
    conn = open_store(db, read_only=True)
    try:
        f = Filters()
        newest = Q.kwic_snippets(conn, f, entity_id="RU")
        titles = list(dict.fromkeys(newest["title"]))
        # A5 (Moscow, 2022-02), A4, the source-less one (2021-04), A2, A1
        assert titles == [
            XSS_TITLE,
            "Iran and France discuss trade",
            "No outlet given",
            "China praises naval drills",
            "Russia and Iran hold talks",
        ]
        by_title = Q.kwic_snippets(conn, f, entity_id="RU", order="title")
        assert list(dict.fromkeys(by_title["title"])) == sorted(titles, key=str.lower)
        by_source = Q.kwic_snippets(conn, f, entity_id="RU", order="source")
        sources = list(dict.fromkeys(by_source["source"].fillna("~")))
        assert sources == ["Alpha Wire", "Beta News", "~"]  # unknown source last
        oldest = Q.kwic_snippets(conn, f, query="Russia", order="oldest")
        assert oldest["title"].iloc[0] == "Russia and Iran hold talks"
    finally:
        conn.close()


def test_kwic_csv_has_every_line_and_the_link(db: Path) -> None:
    conn = open_store(db, read_only=True)
    try:
        f = Filters(countries=("RU",))
        shown = Q.kwic_snippets(conn, f, entity_id="RU", limit=2)
        assert len(shown) == 2
        link = "http://h:8501/articles?country=RU"
        first, rows = _rows(kwic_csv(conn, f, "RU", "newest", "5 articles", link))
        assert first.startswith(f"# presswatch export · 5 articles · link {link} · ")
        # A1 title + text, A2, A4, A5 (Moscow), the source-less article twice
        assert len(rows) == 7
        assert [r["match"] for r in rows].count("Moscow") == 1
        assert {r["title"] for r in rows} >= {"No outlet given", "Russia and Iran hold talks"}
        assert next(r["source"] for r in rows if r["title"] == "No outlet given") == (
            UNKNOWN_SOURCE
        )
        assert all(r["article_id"].startswith("id:") for r in rows)
        # The title is a formula trigger nowhere here; an HTML one stays plain text.
        assert next(r for r in rows if r["match"] == "Moscow")["title"] == XSS_TITLE
        chunks = list(Q.iter_kwic_all(conn, f, entity_id="RU", chunk_articles=2))
        assert [len(c) for c in chunks] == [2, 3, 2]  # A5+A4, nosrc(2)+A2, A1(2)
        _, words = _rows(kwic_csv(conn, Filters(text='"trade talks"'), None, "newest", "d"))
        assert [w["match"] for w in words] == ["trade talks"]
        _, none = _rows(kwic_csv(conn, Filters(text="zzzz"), None, "newest", "d"))
        assert none == []
    finally:
        conn.close()


def test_articles_csv_writes_unknown_source(db: Path) -> None:
    conn = open_store(db, read_only=True)
    try:
        _, rows = _rows(articles_csv(conn, Filters(countries=("IR",)), "d"))
    finally:
        conn.close()
    sources = {r["title"]: r["source"] for r in rows}
    assert sources["No outlet given"] == UNKNOWN_SOURCE
    assert sources["Russia and Iran hold talks"] == "Alpha Wire"


def _kwic_marks(at: AppTest) -> list[str]:
    bodies = "\n".join(h.value for h in at.html if "table-layout:fixed" in h.value)
    return re.findall(r"<mark[^>]*>([^<]*)</mark>", bodies)


def test_country_filter_alone_gives_kwic_with_titles_sorting_and_download(use_db: Path) -> None:
    at = page(ok(new_app({"country": "IR"})), "articles")
    # No second pick: the words around Iran's mentions: A1 (title, text, Tehran), A4
    # (title, text), the source-less article.
    assert sorted(_kwic_marks(at)) == ["Iran"] * 5 + ["Tehran"]
    bodies = "\n".join(h.value for h in at.html)
    assert "Russia and Iran hold talks" in bodies and "Iran and France discuss trade" in bodies
    assert any(b.label == "Download all lines (CSV)" for b in at.download_button)
    assert "kw" not in at.query_params

    ok(at.segmented_control(key="pw_articles_kwo").set_value("title").run())
    assert at.query_params["kwo"] == "title"
    table = next(h.value for h in at.html if "table-layout:fixed" in h.value)
    order = [t for t in ("Iran and France", "No outlet given", "Russia and Iran") if t in table]
    assert order == ["Iran and France", "No outlet given", "Russia and Iran"]
    assert [table.index(t) for t in order] == sorted(table.index(t) for t in order)
