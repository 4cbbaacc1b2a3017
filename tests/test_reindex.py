"""`presswatch reindex`: articles whose analysis fails are named, and its lock message is true."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from presswatch import cli
from presswatch.extract import Detector
from presswatch.ingest.pipeline import ingest_articles, reindex
from presswatch.models import Article, Mention
from presswatch.store import open_store


class _FailsOnPeru(Detector):
    """The real detector, except that it raises for articles about Peru (a detection bug)."""

    def detect(self, text: str, title: str | None = None) -> list[Mention]:
        if "Peru" in text:
            raise ValueError("detector bug")
        return super().detect(text, title)


def _stored(db: Path) -> tuple[int, int]:
    """(id of the Peru article, id of the Chile article) after ingesting both."""
    conn = open_store(db)
    try:
        ingest_articles(
            conn,
            [
                Article(text="Peru and Bolivia met.", origin_file="peru.txt"),
                Article(text="Chile and Argentina met.", origin_file="chile.txt"),
            ],
            workers=1,
        )
        ids = dict(conn.execute("SELECT origin_file, article_id FROM articles").fetchall())
        # Stand-in for an older analysis, so it is visible which articles were redone.
        conn.execute("DELETE FROM mentions")
    finally:
        conn.close()
    return int(ids["peru.txt"]), int(ids["chile.txt"])


def test_reindex_reports_articles_whose_analysis_failed(tmp_path: Path) -> None:
    db = tmp_path / "r.duckdb"
    peru, chile = _stored(db)
    conn = open_store(db)
    try:
        summary = reindex(conn, _FailsOnPeru.from_data(), workers=1)
        redone = {int(r[0]) for r in conn.execute("SELECT article_id FROM mentions").fetchall()}
    finally:
        conn.close()
    assert summary.articles == 2
    assert [(aid, origin) for aid, origin, _ in summary.failed] == [(peru, "peru.txt")]
    assert "ValueError: detector bug" in summary.failed[0][2]
    assert redone == {chile}  # the failed one keeps its previous analysis (none here)


def test_reindex_command_names_the_failed_articles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "r.duckdb"
    peru, _ = _stored(db)
    monkeypatch.setattr(cli, "load_detector", _FailsOnPeru.from_data)
    assert cli.main(["reindex", "--db", str(db)]) == 0
    said = " ".join(capsys.readouterr().err.split())
    assert "Re-detected mentions in 2 articles." in said
    assert (
        f"Analysis failed for 1 articles, which keep their previous analysis: {peru} (peru.txt)."
        in said
    )
    assert "detector bug" in said


def test_locked_reindex_says_only_what_exists(tmp_path: Path) -> None:
    db = tmp_path / "locked.duckdb"
    open_store(db).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
            " time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "-m", "presswatch.cli", "reindex", "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert time.monotonic() - started < 60
    said = " ".join(result.stderr.split())
    assert "Ingest page" not in said  # it has no reindex control
    assert "Stop the dashboard or the other ingest, then try again." in said
