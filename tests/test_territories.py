"""Territories and historic states are listed with their status from data/countries.tsv
("Taiwan (territory)", "Soviet Union (historic)") wherever countries are listed, the filter
says so, and a database made before the status column gets it when the dashboard opens it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from _readonly import unwritable
from test_app import _day, build_db, frame_with, new_app, ok, page, unmd

from presswatch import queries as Q
from presswatch.extract.gazetteer import load_countries
from presswatch.filters import Filters, describe
from presswatch.ingest.write import fill_entity_status
from presswatch.models import Article
from presswatch.schema import LATEST_VERSION
from presswatch.settings import DATA_DIR
from presswatch.store import StoreVersionError, open_store
from presswatch.ui.data import articles_csv

ARTICLES = [
    Article(
        text="Taiwan and Hong Kong traded with China. China welcomed the talks.",
        origin_file="t1.txt",
        title="Trade across the strait",
        date=_day("2022-03-01"),
        source="Alpha Wire",
    ),
    Article(
        text="The Soviet Union and China signed a treaty. Macao was not mentioned by China.",
        origin_file="t2.txt",
        title="An old treaty",
        date=_day("2022-04-01"),
        source="Beta News",
    ),
]

TAIWAN = "Taiwan (territory)"


def test_statuses_are_the_ones_countries_tsv_uses() -> None:
    statuses = {c.status for c in load_countries(DATA_DIR / "countries.tsv").values()}
    assert statuses == {"state", *Q.STATUS_SUFFIX}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("terr") / "terr.duckdb", ARTICLES)


def test_country_lists_carry_the_status(db: Path) -> None:
    conn = open_store(db, read_only=True)
    try:
        top = Q.top_entities(conn, Filters(), "country", 10)
        assert set(top["name"]) == {
            "China",
            TAIWAN,
            "Hong Kong (territory)",
            "Macao (territory)",
            "Soviet Union (historic)",
        }
        known = Q.known_values(conn)
        assert known.name("TW") == TAIWAN and known.name("CN") == "China"
        assert known.name("org:UN") == "United Nations"  # not a country: unchanged
        assert describe(Filters(countries=("TW",)), 1, known.names).count(TAIWAN) == 1
        listing = Q.articles_page(conn, Filters())
        trade = listing[listing["title"] == "Trade across the strait"].iloc[0]
        assert trade["countries"] == f"China, Hong Kong (territory), {TAIWAN}"
        pairs = Q.cooccurrence(conn, Filters(), "article")
        assert TAIWAN in set(pairs["a_name"]) | set(pairs["b_name"])
        series = Q.mentions_over_time(conn, Filters(), ("TW", "CN"), "month")
        assert set(series["label"]) == {TAIWAN, "China"}
        assert Q.known_values(conn).name("SU") == "Soviet Union (historic)"
        rows = list(
            csv.DictReader(
                io.StringIO(
                    "\n".join(
                        articles_csv(conn, Filters(countries=("TW",)), "d")
                        .decode("utf-8-sig")
                        .splitlines()[1:]
                    )
                )
            )
        )
        assert rows[0]["countries"] == f"China, Hong Kong (territory), {TAIWAN}"
    finally:
        conn.close()


def _as_schema_1(path: Path) -> None:
    """Turn a file into what schema 1 made: entities without a status column."""
    conn = open_store(path)
    try:
        conn.execute("ALTER TABLE entities DROP COLUMN status")
        conn.execute("DELETE FROM schema_migrations WHERE version > 1")
    finally:
        conn.close()


def test_a_schema_1_file_gets_statuses(tmp_path: Path) -> None:
    path = build_db(tmp_path / "old.duckdb", ARTICLES)
    _as_schema_1(path)
    with pytest.raises(StoreVersionError, match=r"older than this presswatch.*read-only"):
        open_store(path, read_only=True)
    conn = open_store(path)  # migrates: the column is there, still empty
    try:
        assert Q.known_values(conn).name("TW") == "Taiwan"
        before = conn.execute("SELECT value FROM store_meta WHERE key = 'data_version'").fetchone()
        assert fill_entity_status(conn) is True
        assert fill_entity_status(conn) is False  # once is enough
        after = conn.execute("SELECT value FROM store_meta WHERE key = 'data_version'").fetchone()
        assert before is not None and after is not None and after[0] == before[0] + 1
        assert Q.known_values(conn).name("TW") == TAIWAN
        assert Q.known_values(conn).name("CN") == "China"
        version = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
        assert version is not None and version[0] == LATEST_VERSION
    finally:
        conn.close()


def test_dashboard_shows_statuses_of_a_migrated_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build_db(tmp_path / "old.duckdb", ARTICLES)
    _as_schema_1(path)
    monkeypatch.setenv("PRESSWATCH_DB", str(path))
    at = ok(new_app({"country": "TW"}))
    picker = at.multiselect(key="pw_f_country")
    assert picker.label == "Countries and territories"
    assert picker.help is not None and "territor" in picker.help
    assert TAIWAN in picker.options and "China" in picker.options
    captions = " ".join(unmd(c.value) for c in at.caption)
    assert f"mentioning {TAIWAN}" in captions
    at = page(at, "articles")
    listing = frame_with(at, "title", "countries")
    assert list(listing["countries"]) == [f"China, Hong Kong (territory), {TAIWAN}"]


def test_dashboard_explains_a_read_only_schema_1_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = build_db(tmp_path / "archive.duckdb", ARTICLES)
    _as_schema_1(path)
    monkeypatch.setenv("PRESSWATCH_DB", str(path))
    with unwritable(path):
        at = ok(new_app())
    errors = " ".join(e.value for e in at.error)
    assert "schema version 1, older than this presswatch" in errors
    assert "open it once with write access" in errors
