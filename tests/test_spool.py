"""A CLI ingest while a dashboard process owns the database: batches are handed over."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from presswatch.models import Article
from presswatch.pipeline import run_pipeline
from presswatch.spool import FileSink
from presswatch.store import StoreLockedError, dashboard_owner_pid, open_store

OWNER = """
import sys, time
from presswatch.store import shared_connection
shared_connection(sys.argv[1])
print("ready", flush=True)
time.sleep(120)
"""


def _articles(n: int, tag: str) -> list[Article]:
    return [
        Article(
            text=f"{tag} {i}: Kenya and Ethiopia signed a defence pact.",
            origin_file=f"{tag}-{i}.txt",
        )
        for i in range(n)
    ]


@pytest.fixture()
def dashboard(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "shared.duckdb"
    owner = subprocess.Popen(
        [sys.executable, "-c", OWNER, str(db)], stdout=subprocess.PIPE, text=True
    )
    assert owner.stdout is not None and owner.stdout.readline().strip() == "ready"
    yield db, owner
    owner.kill()
    owner.wait()


def test_cli_batches_reach_the_running_dashboard(dashboard) -> None:  # type: ignore[no-untyped-def]
    db, owner = dashboard
    assert dashboard_owner_pid(db) == owner.pid
    with pytest.raises(StoreLockedError):
        open_store(db)

    sink = FileSink(db)
    summary = run_pipeline(sink, _articles(5, "first"), origin="cli", inputs="t", workers=1)
    assert sink.handed_to_dashboard
    assert (summary.articles_added, summary.duplicates) == (5, 0)
    again = run_pipeline(FileSink(db), _articles(5, "first"), origin="cli", inputs="t", workers=1)
    assert (again.articles_added, again.duplicates) == (0, 5)
    assert again.run_id == summary.run_id + 1

    owner.kill()
    owner.wait()
    conn = open_store(db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone() == (5,)
    runs = conn.execute(
        "SELECT articles_added, duplicates, status FROM ingest_runs ORDER BY run_id"
    ).fetchall()
    assert runs == [(5, 0, "done"), (0, 5, "done")]
    assert not list((db.parent / "shared.duckdb.spool").glob("batch-*"))


def test_cli_owns_the_file_only_while_writing(tmp_path: Path) -> None:
    db = tmp_path / "direct.duckdb"
    sink = FileSink(db)
    summary = run_pipeline(sink, _articles(3, "x"), origin="cli", inputs="t", workers=1)
    assert not sink.handed_to_dashboard
    assert summary.articles_added == 3
    # The file is free again: another process (here: this one) can open it.
    open_store(db).close()
