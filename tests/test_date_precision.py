"""Year-only and month-only dates: counted only in bins that can hold them, shown to their
precision in lists, the article view and CSV exports, and announced on the time charts.

The store below is built with the real ingestion pipeline from articles written for this
test: five year-only speeches of 2021 (stored as 1 January 2021), three month-only
articles of March 2021 (stored as 1 March), three day-dated articles and one undated one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from presswatch import export
from presswatch import queries as Q
from presswatch.filters import Filters
from presswatch.ingest.pipeline import ingest_articles
from presswatch.models import Article, DatePrecision, ParsedDate
from presswatch.precision import date_label
from presswatch.store import open_store, shared_connection
from presswatch.ui.render import coarse_dates_note, fmt_date

APP = str(Path(__file__).resolve().parents[1] / "app.py")
WHEN = datetime(2026, 12, 3, 12, 0)


def _art(name: str, when: datetime | None, precision: DatePrecision, source: str) -> Article:
    return Article(
        text=f"Russia and France held talks ({name}). The minister spoke about Russia.",
        title=f"Statement {name}",
        date=ParsedDate(when, precision) if when else None,
        source=source,
        origin_file=f"{name}.txt",
        language="en",
    )


ARTICLES = [
    *[_art(f"speech{i}", datetime(2021, 1, 1), "year", "UN") for i in range(5)],
    *[_art(f"monthly{i}", datetime(2021, 3, 1), "month", "Wire") for i in range(3)],
    _art("d-jan", datetime(2021, 1, 10), "day", "Wire"),
    _art("d-feb", datetime(2021, 2, 15, 14, 30), "day", "Wire"),
    _art("d-mar", datetime(2021, 3, 5), "day", "MFA"),
    _art("undated", None, "day", "MFA"),
]
WIRE_AND_MFA = Filters(sources=("Wire", "MFA"))  # not the default: the temp-table path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("precision") / "precision.duckdb"
    conn = open_store(path)
    try:
        ingest_articles(conn, ARTICLES, origin="test")
    finally:
        conn.close()
    return path


@pytest.fixture
def conn(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    # A cursor of the process's shared dashboard connection, as the AppTest tests below
    # open it too (one process cannot hold the file with two configurations).
    c = shared_connection(str(db_path)).cursor()
    yield c
    c.close()


def _per(df: pd.DataFrame, column: str = "articles") -> dict[str, int]:
    return {
        pd.Timestamp(p).strftime("%Y-%m-%d"): int(n)
        for p, n in zip(df["period"], df[column], strict=True)
    }


# --------------------------------------------------------------------------- query layer


def test_month_bins_have_no_january_spike(conn: duckdb.DuckDBPyConnection) -> None:
    # January: only d-jan (the five year-only speeches are in no month); March: d-mar and
    # the three month-only articles, which month bins can hold.
    per = Q.articles_per_period(conn, Filters(), "month")
    assert _per(per) == {"2021-01-01": 1, "2021-02-01": 1, "2021-03-01": 4}
    assert Q.dates_too_coarse(conn, Filters(), "month") == {"year": 5}


def test_each_granularity_counts_what_it_can_hold(conn: duckdb.DuckDBPyConnection) -> None:
    # Year bins hold every dated article: 5 + 3 + 3.
    assert _per(Q.articles_per_period(conn, Filters(), "year")) == {"2021-01-01": 11}
    assert Q.dates_too_coarse(conn, Filters(), "year") == {}
    # Quarter bins hold the month-only dates, not the year-only ones.
    assert _per(Q.articles_per_period(conn, Filters(), "quarter")) == {"2021-01-01": 6}
    assert Q.dates_too_coarse(conn, Filters(), "quarter") == {"year": 5}
    # Day and week bins hold day dates only: no spike on 1 March either.
    days = _per(Q.articles_per_period(conn, Filters(), "day"))
    assert min(days) == "2021-01-10"  # the span starts at the first day date
    assert days["2021-03-01"] == 0
    assert sum(days.values()) == 3
    assert Q.dates_too_coarse(conn, Filters(), "day") == {"month": 3, "year": 5}
    assert Q.dates_too_coarse(conn, Filters(), "week") == {"month": 3, "year": 5}
    # A filter that leaves out the UN speeches leaves out their count too.
    assert Q.dates_too_coarse(conn, WIRE_AND_MFA, "day") == {"month": 3}


@pytest.mark.parametrize("f", [Filters(), WIRE_AND_MFA], ids=["all", "filtered"])
def test_mentions_over_time_bins_by_precision(conn: duckdb.DuckDBPyConnection, f: Filters) -> None:
    series = Q.mentions_over_time(conn, f, ["RU"], "month", "articles")
    assert _per(series, "articles") == {"2021-01-01": 1, "2021-02-01": 1, "2021-03-01": 4}
    assert _per(series, "total_articles") == {"2021-01-01": 1, "2021-02-01": 1, "2021-03-01": 4}
    yearly = Q.mentions_over_time(conn, f, ["RU"], "year", "articles")
    assert _per(yearly, "articles") == {"2021-01-01": 11 if f == Filters() else 6}


def test_articles_behind_a_point_are_the_ones_it_counts(conn: duckdb.DuckDBPyConnection) -> None:
    start, end = Q.period_bounds(datetime(2021, 1, 1), "month")
    behind = Q.articles_for_period(conn, Filters(), "RU", start, end, 100, "month")
    assert list(behind["title"]) == ["Statement d-jan"]
    start, end = Q.period_bounds(datetime(2021, 1, 1), "year")
    yearly = Q.articles_for_period(conn, Filters(), "RU", start, end, 100, "year")
    assert len(yearly) == 11
    assert set(yearly["date_precision"]) == {"day", "month", "year"}


def test_lists_carry_the_precision(conn: duckdb.DuckDBPyConnection) -> None:
    page = Q.articles_page(conn, Filters(), limit=20, order="oldest")
    shown = {
        t: fmt_date(v, p)
        for t, v, p in zip(page["title"], page["published_at"], page["date_precision"], strict=True)
    }
    assert shown["Statement speech0"] == "2021"
    assert shown["Statement monthly0"] == "Mar 2021"
    assert shown["Statement d-feb"] == "2021-02-15"
    assert shown["Statement undated"] == "(undated)"


def test_csv_export_writes_dates_to_their_precision(conn: duckdb.DuckDBPyConnection) -> None:
    data = export.to_csv_bytes(
        Q.iter_articles_all(conn, Filters()), description="x", generated_at=WHEN
    )
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig").split("\r\n", 1)[1])))
    by_title = {r["title"]: r["published_at"] for r in rows}
    assert by_title["Statement speech3"] == "2021"
    assert by_title["Statement monthly1"] == "Mar 2021"
    assert by_title["Statement d-feb"] == "2021-02-15 14:30:00"
    assert by_title["Statement d-jan"] == "2021-01-10"
    assert by_title["Statement undated"] == ""


def test_first_and_last_dates_carry_their_precision(conn: duckdb.DuckDBPyConnection) -> None:
    ov = Q.corpus_overview(conn, Filters()).iloc[0]
    # The first date is 1 January 2021, held by the five year-only speeches only.
    assert fmt_date(ov["first"], ov["first_precision"]) == "2021"
    assert fmt_date(ov["last"], ov["last_precision"]) == "2021-03-05"
    by_source = Q.articles_by_source(conn, Filters()).set_index("source")
    assert fmt_date(by_source.loc["UN", "first"], by_source.loc["UN", "first_precision"]) == "2021"
    wire = by_source.loc["Wire"]
    assert fmt_date(wire["last"], wire["last_precision"]) == "Mar 2021"
    rows = list(
        csv.DictReader(
            io.StringIO(
                export.to_csv_bytes(by_source.reset_index(), description="x", generated_at=WHEN)
                .decode("utf-8-sig")
                .split("\r\n", 1)[1]
            )
        )
    )
    assert {r["source"]: (r["first"], r["last"]) for r in rows}["Wire"] == (
        "2021-01-10",
        "Mar 2021",
    )


# --------------------------------------------------------------------------- rendering


def test_date_label_shows_only_what_was_stated() -> None:
    assert date_label(datetime(2024, 1, 1), "year") == "2024"
    assert date_label(pd.Timestamp("2021-03-01"), "month") == "Mar 2021"
    assert date_label(datetime(2021, 3, 5, 9, 15), "day") == "2021-03-05"
    assert date_label(datetime(2021, 3, 5, 9, 15), "day", with_time=True) == "2021-03-05 09:15:00"
    assert date_label(datetime(2021, 3, 5), None) == "2021-03-05"  # no precision = day
    assert date_label(None, "year") == ""
    assert fmt_date("2024-01-01", "year") == "2024"
    assert fmt_date(pd.NaT, "month") == "(undated)"


def test_coarse_dates_note_counts_and_offers_the_granularity() -> None:
    assert coarse_dates_note({"year": 190}, "month") == (
        "190 articles dated by year only are not in monthly bins",
        "year",
    )
    assert coarse_dates_note({"month": 1}, "week") == (
        "1 article dated by month only is not in weekly bins",
        "month",
    )
    assert coarse_dates_note({"month": 3, "year": 1_200}, "day") == (
        "3 articles dated by month only and 1,200 dated by year only are not in daily bins",
        "year",
    )
    assert coarse_dates_note({}, "month") is None


# --------------------------------------------------------------------------- the page


def _captions(at: AppTest) -> str:
    return "\n".join(c.value for c in at.caption)


def test_mentions_page_says_what_the_chart_leaves_out(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSWATCH_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    assert next(m.value for m in at.metric if m.label == "First") == "2021"
    # The overview's articles-per-month chart says the same.
    assert "5 articles dated by year only are not in monthly bins" in _captions(at)
    at = at.switch_page("app_pages/mentions.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert "5 articles dated by year only are not in monthly bins" in _captions(at)
    at.button(key="pw_mentions_gran_coarser").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.segmented_control(key="pw_mentions_gran").value == "year"
    assert "not in" not in _captions(at)
    assert at.query_params.get("gran") == "year"  # the link keeps the choice
    # The articles behind the 2021 point, with their dates to their precision.
    at.selectbox(key="pw_mentions_period").set_value("2021-01-01").run()
    assert not at.exception, [e.message for e in at.exception]
    behind = next(d.value for d in at.dataframe if "mentions" in d.value.columns)
    assert len(behind) == 11
    assert set(behind["date"]) == {"2021", "Mar 2021", "2021-01-10", "2021-02-15", "2021-03-05"}


def test_article_view_shows_the_date_to_its_precision(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = shared_connection(str(db_path)).cursor()
    try:
        row = c.execute("SELECT article_id FROM articles WHERE title = 'Statement monthly1'")
        article_id = int(row.fetchall()[0][0])
    finally:
        c.close()
    monkeypatch.setenv("PRESSWATCH_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.query_params.update({"article": str(article_id)})
    at.switch_page("app_pages/articles.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert any(c.value.startswith("Mar 2021 · Wire") for c in at.caption), _captions(at)
