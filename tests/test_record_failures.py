"""One bad record costs that record only: the rest of its file and of the run is stored."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from presswatch.extract import Detector
from presswatch.ingest import analyse as analysis
from presswatch.ingest.pipeline import ingest_articles, ingest_paths
from presswatch.ingest.readers import ReadOptions
from presswatch.ingest.rows import AnalysedArticle
from presswatch.models import Article
from presswatch.store import open_store

GOOD = (
    '{"title": "Talks in Paris", "text": "France and Germany met in Paris on Monday."}\n'
    '{"title": "Drills", "text": "Japan and India held naval drills."}\n'
)
# JSON escapes can spell half a surrogate pair; Python decodes it to a lone surrogate.
SURROGATE = '{"title": "Bad \\ud800 title", "text": "Brazil \\udfff signed a deal with Chile."}\n'


def _rows(conn: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[object, ...]]:
    return conn.execute(sql).fetchall()


def test_cli_ingest_keeps_a_lone_surrogate_record_and_the_rest(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(GOOD.splitlines(keepends=True)[0] + SURROGATE + GOOD.splitlines()[1] + "\n")
    db = tmp_path / "s.duckdb"
    result = subprocess.run(
        [sys.executable, "-m", "presswatch.cli", "ingest", str(src), "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 0, result.stderr
    conn = open_store(db, read_only=True)
    stored = _rows(conn, "SELECT origin_record, title, text FROM articles ORDER BY origin_record")
    assert [r[0] for r in stored] == ["line 1", "line 2", "line 3"]
    assert stored[1][1:] == ("Bad \ufffd title", "Brazil \ufffd signed a deal with Chile.")
    mentioned = _rows(
        conn,
        "SELECT DISTINCT m.entity_id FROM mentions m JOIN articles a USING (article_id) "
        "WHERE a.origin_record = 'line 2' ORDER BY 1",
    )
    assert ("BR",) in mentioned
    assert _rows(conn, "SELECT count(*) FROM rejects") == [(0,)]


def _failing_analyse(real: object) -> object:
    def analyse(
        article: Article, detector: Detector | None, known: frozenset[int] = frozenset()
    ) -> AnalysedArticle:
        if "Japan" in article.text:
            raise ValueError("cannot analyse /srv/presswatch/secret/model.bin")
        return real(article, detector, known)  # type: ignore[operator]

    return analyse


@pytest.mark.parametrize("workers", [1, 2])
def test_failing_analysis_of_one_article_is_its_reject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    monkeypatch.setattr(analysis, "analyse", _failing_analyse(analysis.analyse))
    # Above the pool threshold with two workers, so the forked workers' guard is tested too.
    lines = [f'{{"text": "Report {i}: Kenya and Ghana agreed on trade."}}\n' for i in range(450)]
    src = tmp_path / "many.jsonl"
    src.write_text(GOOD + "".join(lines))
    conn = open_store(tmp_path / "f.duckdb")
    summary = ingest_paths(conn, [src], ReadOptions(), workers=workers)
    assert summary.articles_added == 451
    assert [(r.reason, r.origin_record) for r in summary.rejects] == [("analysis-failed", "line 2")]
    detail = summary.rejects[0].detail
    assert detail == "analysis failed: ValueError: cannot analyse model.bin"
    stored = _rows(conn, "SELECT origin_file, origin_record, reason, detail FROM rejects")
    assert stored == [(str(src), "line 2", "analysis-failed", detail)]
    assert _rows(conn, "SELECT count(*) FROM articles WHERE text LIKE '%Japan%'") == [(0,)]


def test_rows_that_fail_leave_no_partial_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presswatch.ingest import rows

    real = rows.country_pairs

    def pairs(mentions: list[object]) -> object:
        # Fails after the article row and its mentions were appended.
        if any(getattr(m, "entity_id", None) == "JP" for m in mentions):
            raise RuntimeError("pair table broken")
        return real(mentions)  # type: ignore[arg-type]

    monkeypatch.setattr(rows, "country_pairs", pairs)
    conn = open_store(tmp_path / "r.duckdb")
    articles = [
        Article(text="France and Germany met in Paris.", origin_file="a.txt"),
        Article(text="Japan and India held naval drills.", origin_file="b.txt"),
        Article(text="Kenya and Ghana agreed on trade.", origin_file="c.txt"),
    ]
    summary = ingest_articles(conn, articles, workers=1)
    assert summary.articles_added == 2
    assert [(r.origin_file, r.reason) for r in summary.rejects] == [("b.txt", "analysis-failed")]
    assert summary.rejects[0].detail == "analysis failed: RuntimeError: pair table broken"
    assert _rows(conn, "SELECT DISTINCT origin_file FROM articles ORDER BY 1") == [
        ("a.txt",),
        ("c.txt",),
    ]
    orphans = _rows(
        conn,
        "SELECT count(*) FROM mentions WHERE article_id NOT IN (SELECT article_id FROM articles)",
    )
    assert orphans == [(0,)]
    assert _rows(conn, "SELECT count(*) FROM mentions WHERE entity_id = 'JP'") == [(0,)]
    terms = "SELECT count(*) FROM article_terms WHERE article_id NOT IN (SELECT article_id FROM articles)"
    assert _rows(conn, terms) == [(0,)]
