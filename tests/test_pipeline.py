"""The batch pipeline with the real detector: stored rows, duplicates, atomic batches, reindex."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from presswatch.ingest import write as write_module
from presswatch.ingest.pipeline import (
    IngestFailedError,
    ingest_articles,
    reindex,
    run_pipeline,
)
from presswatch.ingest.sinks import ConnectionSink
from presswatch.models import Article, ParsedDate, Reject
from presswatch.store import data_version, open_store

DAY = ParsedDate(datetime(2021, 3, 4), "day")


def _articles() -> list[Article | Reject]:
    return [
        Article(
            title="Russia and China hold naval drills",
            text="Russia and China began joint naval drills on Monday. "
            "Beijing said the drills were routine. Officials in Japan watched closely.",
            origin_file="a.txt",
            source="Test Wire",
            date=DAY,
        ),
        Article(
            title="NATO ministers meet",
            text="NATO defence ministers met in Brussels to discuss support for Ukraine.",
            origin_file="b.txt",
            source="Test Wire",
        ),
        Reject("c.txt", "empty-file", "the file is empty (0 bytes)"),
    ]


@pytest.fixture()
def conn(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return open_store(tmp_path / "p.duckdb")


def _count(conn: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_ingest_stores_articles_mentions_and_derived_rows(conn: duckdb.DuckDBPyConnection) -> None:
    summary = ingest_articles(conn, _articles(), files_read=3, workers=1)
    assert (summary.articles_seen, summary.articles_added, summary.duplicates) == (2, 2, 0)
    assert summary.undated == 1
    assert summary.rejects_by_reason() == {"empty-file": 1}
    assert _count(conn, "SELECT count(*) FROM articles") == 2

    entities = dict(
        conn.execute(
            "SELECT e.entity_id, e.n_named || '/' || e.n_capital FROM article_entities e "
            "JOIN articles a USING (article_id) WHERE a.origin_file = 'a.txt'"
        ).fetchall()
    )
    assert entities["CN"] == "2/1"  # China in title and text, Beijing as capital
    assert entities["RU"] == "2/0"
    assert entities["JP"] == "1/0"
    pairs = conn.execute(
        "SELECT scope, a, b, n, n_named FROM country_pairs ORDER BY scope, a, b"
    ).fetchall()
    assert ("article", "CN", "RU", 1, 1) in pairs
    assert ("sentence", "CN", "RU", 2, 2) in pairs  # the title and the first sentence
    # every mention points at its surface text
    for start, end, surface, field, text, title in conn.execute(
        "SELECT start_pos, end_pos, surface, field, a.text, a.title FROM mentions "
        "JOIN articles a USING (article_id)"
    ).fetchall():
        assert (title if field == "title" else text)[start:end] == surface

    run = conn.execute(
        "SELECT files_read, articles_seen, articles_added, duplicates, rejects, undated, status "
        "FROM ingest_runs"
    ).fetchall()
    assert run == [(3, 2, 2, 0, 1, 1, "done")]
    assert _count(conn, "SELECT count(*) FROM rejects WHERE reason = 'empty-file'") == 1
    assert _count(conn, "SELECT count(*) FROM entities WHERE entity_id = 'CN'") == 1
    assert _count(conn, "SELECT count(*) FROM article_terms") > 0


def test_reingest_adds_nothing(conn: duckdb.DuckDBPyConnection) -> None:
    ingest_articles(conn, _articles(), workers=1)
    version = data_version(conn)
    again = ingest_articles(conn, _articles(), workers=1)
    assert (again.articles_added, again.duplicates) == (0, 2)
    assert _count(conn, "SELECT count(*) FROM articles") == 2
    assert _count(conn, "SELECT count(*) FROM mentions") == _count(
        conn, "SELECT count(*) FROM mentions WHERE article_id IN (SELECT article_id FROM articles)"
    )
    assert data_version(conn) > version


def test_reformatted_copy_is_a_duplicate(conn: duckdb.DuckDBPyConnection) -> None:
    first = Article(text="Talks between India and Pakistan resumed.", origin_file="x.txt")
    copy = Article(text="  talks between INDIA and Pakistan resumed!\n", origin_file="y.html")
    summary = ingest_articles(conn, [first, copy], workers=1)
    assert (summary.articles_added, summary.duplicates) == (1, 1)


def test_failed_batch_leaves_nothing_behind(
    conn: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = dict(write_module._INSERT_DEPENDENT)
    broken["country_pairs"] = "INSERT INTO no_such_table SELECT * FROM b_rows"
    monkeypatch.setattr(write_module, "_INSERT_DEPENDENT", broken)
    with pytest.raises(IngestFailedError) as failed:
        ingest_articles(conn, _articles(), workers=1)
    assert isinstance(failed.value.__cause__, duckdb.Error)
    assert _count(conn, "SELECT count(*) FROM ingest_runs WHERE status = 'failed'") == 1
    for table in (
        "articles",
        "mentions",
        "article_entities",
        "country_pairs",
        "article_terms",
        "rejects",
    ):
        assert _count(conn, f"SELECT count(*) FROM {table}") == 0, table  # noqa: S608
    monkeypatch.undo()
    summary = ingest_articles(conn, _articles(), workers=1)
    assert summary.articles_added == 2


def test_parallel_analysis_matches_serial(tmp_path: Path) -> None:
    articles = [
        Article(
            text=f"Report {i}: France and Germany discussed Mali with Nigeria.", origin_file=f"{i}"
        )
        for i in range(900)
    ]
    serial = open_store(tmp_path / "serial.duckdb")
    parallel = open_store(tmp_path / "parallel.duckdb")
    ingest_articles(serial, articles, workers=1)
    ingest_articles(parallel, articles, workers=2)
    query = "SELECT article_id, entity_id, start_pos FROM mentions ORDER BY ALL"
    assert serial.execute(query).fetchall() == parallel.execute(query).fetchall()
    assert _count(parallel, "SELECT count(*) FROM articles") == 900


def test_reindex_recomputes_mentions(conn: duckdb.DuckDBPyConnection) -> None:
    ingest_articles(conn, _articles(), workers=1)
    before = conn.execute("SELECT * FROM mentions ORDER BY ALL").fetchall()
    conn.execute("DELETE FROM mentions")
    conn.execute("DELETE FROM article_entities")
    assert reindex(conn).articles == 2
    assert conn.execute("SELECT * FROM mentions ORDER BY ALL").fetchall() == before
    assert _count(conn, "SELECT count(*) FROM article_entities") > 0


def test_without_analysis_articles_are_stored_and_reindex_analyses_them(tmp_path: Path) -> None:
    articles = [
        Article(text=f"Note {i}: Chile and Peru signed a treaty.", origin_file=f"{i}")
        for i in range(600)
    ]
    conn = open_store(tmp_path / "plain.duckdb")
    sink = ConnectionSink(conn)
    summary = run_pipeline(sink, articles, origin="cli", inputs="t", workers=2, analysis=False)
    assert summary.articles_added == 600
    assert _count(conn, "SELECT count(*) FROM articles WHERE word_count = 8") == 600
    for table in ("mentions", "article_terms", "country_pairs"):
        assert _count(conn, f"SELECT count(*) FROM {table}") == 0  # noqa: S608
    assert reindex(conn, workers=2).articles == 600
    assert _count(conn, "SELECT count(DISTINCT article_id) FROM mentions") == 600
    assert _count(conn, "SELECT count(DISTINCT article_id) FROM article_terms") == 600
