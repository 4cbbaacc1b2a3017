"""The date-range filter never invents a day (issue 10, item 4): an article is in a range
only when its whole period (its day, its month or its year) lies inside it.

The store is built with the real ingestion pipeline from six articles:

===========  ==========  ==========  =====================================
title        stored as   precision   stands for
===========  ==========  ==========  =====================================
month-2020   2020-11-01  month       November 2020 (the oldest)
year-2021    2021-01-01  year        2021
day-jan      2021-01-10  day         10 January 2021
month-feb    2021-02-01  month       February 2021
day-2022     2022-06-01  day         1 June 2022 (the newest stored date)
year-2022    2022-01-01  year        2022 (the period that ends last)
===========  ==========  ==========  =====================================
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from presswatch import queries as Q
from presswatch.filters import Filters, KnownValues
from presswatch.ingest.pipeline import ingest_articles
from presswatch.models import Article, DatePrecision, ParsedDate
from presswatch.precision import period_last_day
from presswatch.store import open_store, shared_connection

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _art(name: str, when: datetime, precision: DatePrecision) -> Article:
    return Article(
        text=f"Russia and France held talks ({name}).",
        title=name,
        date=ParsedDate(when, precision),
        source="Wire",
        origin_file=f"{name}.txt",
        language="en",
    )


ARTICLES = [
    _art("month-2020", datetime(2020, 11, 1), "month"),
    _art("year-2021", datetime(2021, 1, 1), "year"),
    _art("day-jan", datetime(2021, 1, 10), "day"),
    _art("month-feb", datetime(2021, 2, 1), "month"),
    _art("day-2022", datetime(2022, 6, 1, 9, 15), "day"),
    _art("year-2022", datetime(2022, 1, 1), "year"),
]
ALL = {a.title for a in ARTICLES}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("date_filter") / "date_filter.duckdb"
    conn = open_store(path)
    try:
        ingest_articles(conn, ARTICLES, origin="test")
    finally:
        conn.close()
    return path


@pytest.fixture
def conn(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    # The process's shared dashboard connection, which the AppTest below opens too.
    c = shared_connection(str(db_path)).cursor()
    yield c
    c.close()


def _titles(conn: duckdb.DuckDBPyConnection, f: Filters) -> set[str]:
    df = Q.articles_page(conn, f, limit=100)
    assert len(df) == Q.count_articles(conn, f)
    return set(df["title"])


@pytest.mark.parametrize("last", [date(2021, 1, 31), date(2021, 2, 15)])
def test_a_range_within_a_period_holds_no_article_of_that_period(
    conn: duckdb.DuckDBPyConnection, last: date
) -> None:
    # Neither 2021 nor February 2021 lies inside 1 January – 31 January (or 15 February).
    f = Filters(date_from=date(2021, 1, 1), date_to=last)
    assert _titles(conn, f) == {"day-jan"}


def test_a_whole_year_holds_its_year_only_articles(conn: duckdb.DuckDBPyConnection) -> None:
    year = Filters(date_from=date(2021, 1, 1), date_to=date(2021, 12, 31))
    assert _titles(conn, year) == {"year-2021", "day-jan", "month-feb"}
    # One day short of the year, and the year-only article is out.
    short = year.replace(date_to=date(2021, 12, 30))
    assert _titles(conn, short) == {"day-jan", "month-feb"}
    # A range longer than the year on both sides keeps it.
    wide = Filters(date_from=date(2020, 6, 1), date_to=date(2022, 1, 5))
    assert _titles(conn, wide) == {"month-2020", "year-2021", "day-jan", "month-feb"}


def test_a_period_ends_on_its_last_day() -> None:
    assert period_last_day(datetime(2021, 1, 1), "year") == date(2021, 12, 31)
    assert period_last_day(datetime(2024, 2, 1), "month") == date(2024, 2, 29)
    assert period_last_day(datetime(2021, 2, 15, 14, 30), None) == date(2021, 2, 15)
    assert period_last_day(date(2021, 3, 5), "day") == date(2021, 3, 5)


def test_the_known_span_holds_every_article(conn: duckdb.DuckDBPyConnection) -> None:
    known = Q.known_values(conn)
    # The span ends with the period that ends last: 2022, not the newest stored 1 June.
    assert (known.date_min, known.date_max) == (date(2020, 11, 1), date(2022, 12, 31))
    full = Filters(date_from=known.date_min, date_to=known.date_max)
    assert _titles(conn, full) == ALL


def test_the_range_round_trips_through_the_url(conn: duckdb.DuckDBPyConnection) -> None:
    known = KnownValues(sources=frozenset({"Wire"}))
    f, notes = Filters.from_query_params({"from": "2021-01", "to": "2021-01"}, known=known)
    assert notes == []
    assert (f.date_from, f.date_to) == (date(2021, 1, 1), date(2021, 1, 31))
    params = f.to_query_params()
    assert params == {"from": "2021-01-01", "to": "2021-01-31"}
    assert Filters.from_query_params(params, known=known) == (f, [])
    assert _titles(conn, f) == {"day-jan"}


def test_the_articles_behind_a_period_are_the_ones_wholly_in_it(
    conn: duckdb.DuckDBPyConnection,
) -> None:
    january = Q.articles_for_period(
        conn, Filters(), None, datetime(2021, 1, 1), datetime(2021, 2, 1)
    )
    assert set(january["title"]) == {"day-jan"}
    year = Q.articles_for_period(conn, Filters(), None, datetime(2021, 1, 1), datetime(2022, 1, 1))
    assert set(year["title"]) == {"year-2021", "day-jan", "month-feb"}


def test_the_sidebar_range_at_its_bounds_counts_every_article(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSWATCH_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    d_from, d_to = at.date_input(key="pw_f_from"), at.date_input(key="pw_f_to")
    assert (d_to.min, d_to.max) == (date(2020, 11, 1), date(2022, 12, 31))
    d_from.set_value(d_from.min)
    d_to.set_value(d_to.max)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.query_params.get("to") == "2022-12-31"
    assert next(m.value for m in at.metric if m.label == "Articles") == str(len(ARTICLES))
